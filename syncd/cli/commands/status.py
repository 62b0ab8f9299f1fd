"""``syncd status``: the items the state store holds, as tables or one JSON object."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape

from syncd.cli import streams
from syncd.cli.command_setup import clock_or_exit, load_or_exit, open_store_or_exit
from syncd.cli.console import render_status
from syncd.cli.options import ConfigOption, JsonOption, TeamOption
from syncd.cli.report import stored_item_json, with_recurrence
from syncd.cli.status_filters import StatusFilter, keep_items
from syncd.cli.status_totals import StatusTotals, status_totals
from syncd.config.loader import LoadedConfig
from syncd.cycle.recurrence_inputs import team_recurrences
from syncd.judge.recurrence import ItemRecurrence
from syncd.model import TrackerAssignee
from syncd.store import RunRecord, SourceRead, StateStore, StoredItem, TrackerLink


@dataclass(frozen=True)
class _StoredTeams:
    """What the store holds of each team shown, keyed by team name; read in one go so that
    the store is closed before anything is printed."""

    names: list[str]
    items: dict[str, list[StoredItem]]
    links: dict[str, dict[str, TrackerLink]]
    holders: dict[str, dict[str, TrackerAssignee]]  # who holds each issue in the tracker now
    intents: dict[str, int]
    runs: dict[str, RunRecord | None]
    held: dict[str, list[SourceRead]]
    dues: dict[str, dict[str, date]]  # each issue's due date as the tracker holds it
    # By team, by postmortem (source, document): earlier postmortems' open items on its service,
    # counted over all the team's items, before any narrowing.
    recurring: dict[str, dict[tuple[str, str], ItemRecurrence]] = dataclasses.field(
        default_factory=dict
    )


def _a_name(value: str | None) -> str | None:
    # A blank name ("--owner \"$USER\"" with the variable unset) or the next option taken as
    # the name ("--owner --json") would show an empty list that reads as "holds nothing".
    if value is not None and (not value.strip().lstrip("@").strip() or value.startswith("-")):
        raise typer.BadParameter(f"needs a name, got {value!r}")
    return value


OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner",
        metavar="NAME",
        callback=_a_name,
        help="Only items NAME holds: the issue's assignee in the tracker, else the document's "
        "owner (a key, alias, e-mail or handle of the people map, or a name as written).",
    ),
]
OverdueOption = Annotated[
    bool, typer.Option("--overdue", help="Only open items past their due date (team's today).")
]
ServiceOption = Annotated[
    str | None,
    typer.Option(
        "--service",
        metavar="NAME",
        callback=_a_name,
        help="Only items of postmortems on this service.",
    ),
]


def status(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    as_json: JsonOption = False,
    owner: OwnerOption = None,
    overdue: OverdueOption = False,
    service: ServiceOption = None,
) -> None:
    """The items the state store holds: issue, owner, due date, status, flags, and totals.

    Each item is open, done (in its document or in the tracker) or orphaned (gone from its
    document); the totals count the rows by that status. --owner, --overdue and --service
    narrow the rows (and the totals) to what they name.
    """
    loaded = load_or_exit(config, team)
    store = open_store_or_exit(loaded, readonly=True)
    try:
        stored = _read_teams(loaded, store, team)
    finally:
        store.close()
    chosen = StatusFilter(owner, overdue, service)
    if chosen.active:
        stored = _narrowed(loaded, stored, chosen, clock_or_exit()())
    names = stored.names
    totals = {
        name: status_totals(stored.items[name], stored.links[name], stored.intents[name])
        for name in names
    }
    if as_json:
        teams = {name: _team_json(stored, totals, name) for name in names}
        out: dict[str, Any] = {"teams": teams}
        if chosen.active:
            out["filter"] = chosen.as_json()
        streams.print_json(out)
        return
    _print_teams(stored, totals, "no items match" if chosen.active else None)


def _read_teams(loaded: LoadedConfig, store: StateStore, team: str | None) -> _StoredTeams:
    from syncd.cycle.digest_inputs import held_source_reads, stored_holders, tracker_dues

    names = [t.config.team for t in loaded.teams if team is None or t.config.team == team]
    items = {name: store.stored_items(name) for name in names}
    links = {name: store.links(name) for name in names}
    holders = {
        t.config.team: stored_holders(t, store, items[t.config.team], links[t.config.team])
        for t in loaded.teams
        if t.config.team in names
    }
    intents = {name: len(store.open_intents(name)) for name in names}
    runs = {name: store.last_run(name) for name in names}
    held = {
        t.config.team: held_source_reads(t, store) for t in loaded.teams if t.config.team in names
    }
    dues = {name: tracker_dues(store.bases(name)) for name in names}
    recurring = {name: team_recurrences(items[name], links[name]) for name in names}
    return _StoredTeams(names, items, links, holders, intents, runs, held, dues, recurring)


def _narrowed(
    loaded: LoadedConfig, stored: _StoredTeams, chosen: StatusFilter, now: datetime
) -> _StoredTeams:
    from syncd.cycle.team_reading import people_directory

    items = {}
    for team in loaded.teams:
        name = team.config.team
        if name not in stored.names:
            continue
        today = now.astimezone(ZoneInfo(team.config.timezone)).date()
        items[name] = keep_items(
            stored.items[name],
            stored.links[name],
            stored.holders[name],
            people_directory(team),
            chosen,
            today,
            stored.dues[name],
        )
    return dataclasses.replace(stored, items=items)


def _team_json(stored: _StoredTeams, totals: dict[str, StatusTotals], name: str) -> dict[str, Any]:
    recurring = stored.recurring.get(name, {})
    items = []
    for i in stored.items[name]:
        out = stored_item_json(i, stored.links[name].get(i.id), stored.holders[name].get(i.id))
        items.append(with_recurrence(out, recurring, (i.source, i.document)))
    return {
        "items": items,
        "totals": totals[name].json(),
        "last_sync": _run_json(stored.runs[name]),
        "mirror": totals[name].mirror_json(),
        # Sources whose mass removal the last sync held (their items are kept).
        "held_sources": [
            {
                "source": read.source,
                "since": read.held_since.isoformat() if read.held_since else None,
                "cycles": read.held_cycles,
                "documents": len(read.documents),
                "message": read.held_note,
            }
            for read in stored.held[name]
        ],
    }


def _run_json(run: Any) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "outcome": run.outcome,
        "counts": dict(run.counts or {}),
    }


def _print_teams(
    stored: _StoredTeams, totals: dict[str, StatusTotals], empty_note: str | None
) -> None:
    render_status(
        streams.consoles.out,
        stored.items,
        stored.links,
        totals,
        stored.holders,
        **({"empty_note": empty_note} if empty_note else {}),
    )
    for name in stored.names:
        shown = {(i.source, i.document): i for i in stored.items[name]}
        for where, found in sorted(stored.recurring.get(name, {}).items()):
            if where in shown:
                title = shown[where].to_action_item().postmortem.title
                streams.consoles.out.print(
                    f"{name}: ↻ {escape(title)}: {escape(found.line())}", soft_wrap=True
                )
        run = stored.runs[name]
        if run is not None:
            streams.consoles.out.print(
                f"{name}: last sync {run.started_at:%Y-%m-%d %H:%M} UTC, {run.outcome}"
            )
        for read in stored.held[name]:
            since = f" since {read.held_since:%Y-%m-%d %H:%M} UTC" if read.held_since else ""
            streams.consoles.out.print(
                f"[red]{name}: held{since}:[/] {escape(read.held_note or '')}", soft_wrap=True
            )
