"""``syncd export``: every item with its lifecycle, and each team's figures, as CSV or JSON."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from syncd.cli import streams
from syncd.cli.command_setup import clock_or_exit, load_or_exit, open_store_or_exit
from syncd.cli.export_rows import csv_text, item_row
from syncd.cli.options import ConfigOption, TeamOption
from syncd.config.loader import LoadedTeam
from syncd.judge import judge_item
from syncd.judge.figures import done_on, team_figures
from syncd.store import StateStore

FormatOption = Annotated[
    Literal["csv", "json"],
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="csv (one row per item) or json (items and figures per team).",
    ),
]
SinceOption = Annotated[
    datetime | None,
    typer.Option(
        "--since",
        formats=["%Y-%m-%d"],
        metavar="DATE",
        help="YYYY-MM-DD: only items still open on that day or done since.",
    ),
]
FiguresOption = Annotated[
    bool, typer.Option("--figures", help="With --format csv: the teams' figures, not the items.")
]


def export(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    format_: FormatOption = "csv",
    since: SinceOption = None,
    figures: FiguresOption = False,
) -> None:
    """Items with their lifecycle (created, due, done, days open, on time, nudges) and each
    team's figures (completion and on-time rates, days to close, overdue work by age), for a
    spreadsheet or a BI tool. Reads the state store only; text from documents is written so
    that a spreadsheet never runs it as a formula."""
    loaded = load_or_exit(config, team)
    now = clock_or_exit()()
    store = open_store_or_exit(loaded, readonly=True)
    try:
        teams = {
            t.config.team: _team_export(t, store, now, since.date() if since else None)
            for t in loaded.teams
            if team is None or t.config.team == team
        }
    finally:
        store.close()
    if format_ == "json":
        streams.print_json({"generated_at": now.isoformat(), "teams": teams})
    elif figures:
        rows = [{"team": name, **_flat(t["figures"])} for name, t in teams.items()]
        columns = list(rows[0]) if rows else ["team"]
        streams.print_raw(csv_text(rows, columns))
    else:
        streams.print_raw(csv_text(row for t in teams.values() for row in t["items"]))


def _team_export(team: LoadedTeam, store: StateStore, now: datetime, since: date | None) -> Any:
    from syncd.cycle.digest_inputs import digest_inputs

    name = team.config.team
    inputs = digest_inputs(team, store)
    judged = [judge_item(state, inputs.policy, now) for state in inputs.items]
    if since is not None:
        judged = [
            j
            for j in judged
            if (finished := done_on(j, inputs.policy)) is None or finished >= since
        ]
    nudges: dict[str, int] = {}
    for record in store.nudges(name):
        if record.status == "sent":
            nudges[record.item_id] = nudges.get(record.item_id, 0) + 1
    return {
        "items": [item_row(name, j, inputs.policy, now, nudges) for j in judged],
        "figures": team_figures(judged, inputs.policy).as_json(),
    }


def _flat(figures: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in figures.items() if k != "overdue_by_age"}
    flat.update({f"overdue_{k}": v for k, v in figures["overdue_by_age"].items()})
    return flat
