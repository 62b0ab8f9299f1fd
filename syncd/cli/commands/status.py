"""``syncd status``: the items the state store holds, as tables or one JSON object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.markup import escape

from syncd.cli import streams
from syncd.cli.command_setup import load_or_exit, open_store_or_exit
from syncd.cli.console import render_status
from syncd.cli.options import ConfigOption, JsonOption, TeamOption
from syncd.cli.report import stored_item_json
from syncd.cli.status_totals import StatusTotals, status_totals
from syncd.config.loader import LoadedConfig
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


def status(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """The items the state store holds: issue, owner, due date, status, flags, and totals.

    Each item is open, done (in its document or in the tracker) or orphaned (gone from its
    document); the totals count the rows by that status.
    """
    loaded = load_or_exit(config, team)
    store = open_store_or_exit(loaded, readonly=True)
    try:
        stored = _read_teams(loaded, store, team)
    finally:
        store.close()
    names = stored.names
    totals = {
        name: status_totals(stored.items[name], stored.links[name], stored.intents[name])
        for name in names
    }
    if as_json:
        streams.print_json({"teams": {name: _team_json(stored, totals, name) for name in names}})
        return
    _print_teams(stored, totals)


def _read_teams(loaded: LoadedConfig, store: StateStore, team: str | None) -> _StoredTeams:
    from syncd.cycle.digest_inputs import held_source_reads, stored_holders

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
    return _StoredTeams(names, items, links, holders, intents, runs, held)


def _team_json(stored: _StoredTeams, totals: dict[str, StatusTotals], name: str) -> dict[str, Any]:
    return {
        "items": [
            stored_item_json(i, stored.links[name].get(i.id), stored.holders[name].get(i.id))
            for i in stored.items[name]
        ],
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


def _print_teams(stored: _StoredTeams, totals: dict[str, StatusTotals]) -> None:
    render_status(streams.consoles.out, stored.items, stored.links, totals, stored.holders)
    for name in stored.names:
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
