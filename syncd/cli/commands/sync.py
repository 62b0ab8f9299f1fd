"""``syncd sync``: one cycle per team, with a progress line on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from syncd.cli import streams
from syncd.cli.command_setup import (
    EXIT_FAILED,
    clock_or_exit,
    confirmed_sources_or_exit,
    load_or_exit,
    open_store_or_exit,
    writers_or_exit,
)
from syncd.cli.console import render_sync
from syncd.cli.explain import explain_json, render_explain
from syncd.cli.options import ConfigOption, JsonOption, TeamOption
from syncd.cli.progress_line import ProgressLine, progress_display
from syncd.cli.report import sync_json
from syncd.cli.team_writers import Writers
from syncd.config.loader import LoadedConfig, LoadedTeam
from syncd.cycle.progress import ProgressListener
from syncd.cycle.team_cycle import TeamRun, sync_team
from syncd.store import StateStore, StateStoreError
from syncd.writers import TeamBusyError

DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Read and plan; write nothing anywhere (state store, tracker); print the items "
        "and the plan.",
    ),
]
ExplainOption = Annotated[
    bool,
    typer.Option(
        "--explain",
        help="Also print, per document, why each action item was taken (its section and the "
        "rule that read it) and why each candidate list or table was skipped "
        "(under --json: teams.NAME.explain).",
    ),
]
RecreateMissingOption = Annotated[
    bool,
    typer.Option(
        "--recreate-missing",
        help="An item whose issue was deleted in the tracker gets a new issue (without "
        "it, the deletion is reported and nothing is created).",
    ),
]
ConfirmRemovalOption = Annotated[
    list[str] | None,
    typer.Option(
        "--confirm-removal",
        metavar="SOURCE",
        help="The documents missing from this source were really removed: orphan their "
        "items now, though the source lost more than its max_document_loss (the "
        "mass-removal guard holds such a loss). Repeatable.",
    ),
]


def sync(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    recreate_missing: RecreateMissingOption = False,
    confirm_removal: ConfirmRemovalOption = None,
    explain: ExplainOption = False,
) -> None:
    """One cycle per team: read, identify, resolve, record, and mirror into the tracker.

    Each team's sources are read, their action items recorded in the state store and mirrored
    as issues into the team's tracker, exactly once. On a terminal, stderr shows what it is
    doing: reading a source, mirroring n of m, waiting for a rate limit until when.

    A source that returns none of its documents, or loses more than its max_document_loss of
    them at once, is held: its missing documents' items are kept, not orphaned, and the sync
    exits 1, until --confirm-removal SOURCE or removal_confirm_cycles syncs in a row.
    """
    loaded = load_or_exit(config, team)
    confirmed = confirmed_sources_or_exit(loaded, team, confirm_removal or [])
    store = open_store_or_exit(loaded, readonly=dry_run)
    now = clock_or_exit()()
    selected = [t for t in loaded.teams if team is None or t.config.team == team]
    writers = None if dry_run else writers_or_exit(loaded, store, "sync")
    shown = streams.consoles.err.is_terminal and not as_json
    try:
        with _progress(shown, teams=len(selected)) as progress:

            def run_team(loaded_team: LoadedTeam, writer: Any = None) -> TeamRun:
                return sync_team(
                    loaded_team,
                    store,
                    now=now,
                    cache_dir=loaded.service.state_dir / "cache",
                    dry_run=dry_run,
                    progress=progress,
                    recreate_missing=recreate_missing,
                    writer=writer,
                    confirm_removal=confirmed,
                )

            runs = [_sync_as_writer(t, writers, run_team) for t in selected]
    finally:
        store.close()
    _note_unheld_confirmations(runs, confirmed)
    _print_runs(loaded, runs, as_json=as_json, dry_run=dry_run, explain=explain)
    if any(run.failed_anything for run in runs):
        raise typer.Exit(EXIT_FAILED)


def _sync_as_writer(
    loaded_team: LoadedTeam,
    writers: Writers | None,
    run_team: Callable[[LoadedTeam, Any], TeamRun],
) -> TeamRun:
    """The team's cycle, as its one writer unless this is a dry run."""
    if writers is None:
        return run_team(loaded_team, None)
    name = loaded_team.config.team
    try:  # one writer per team: another sync or a `syncd run` may hold it
        with writers.team(name, streams.consoles.err) as writer:
            return run_team(loaded_team, writer)
    except TeamBusyError as exc:
        return TeamRun(name, error=str(exc))


@contextmanager
def _progress(enabled: bool, *, teams: int) -> Iterator[ProgressListener | None]:
    """What the sync is doing (reading, mirroring, waiting, which team), on a terminal only."""
    if not enabled:
        yield None
        return
    line = ProgressLine(teams=teams)
    with progress_display(streams.consoles.err, line) as display:
        display.add_task("sync", total=None)
        yield line


def _note_unheld_confirmations(runs: list[TeamRun], confirmed: frozenset[str]) -> None:
    """Say so when --confirm-removal named a source that had no loss to confirm."""
    from syncd.cycle.removal_guard import Verdict

    for source in sorted(confirmed):
        judged = [run.guard[source] for run in runs if source in run.guard]
        if judged and not any(j.verdict is Verdict.CONFIRMED for j in judged):
            streams.consoles.err.print(
                f"[yellow]note:[/] --confirm-removal {source}: the source lost no more than "
                "its max_document_loss this time; there was nothing to confirm"
            )


def _print_runs(
    loaded: LoadedConfig, runs: list[TeamRun], *, as_json: bool, dry_run: bool, explain: bool
) -> None:
    if as_json:
        out = sync_json(runs, dry_run=dry_run)
        if explain:
            for run in runs:
                out["teams"][run.team]["explain"] = explain_json(run)
        streams.print_json(out)
        return
    render_sync(streams.consoles.out, runs, dry_run=dry_run)
    if explain:
        render_explain(streams.consoles.out, runs)
    if dry_run:
        status = store_note(loaded)
        if status:
            streams.consoles.out.print(f"[dim]{status}[/]")


def store_note(loaded: LoadedConfig) -> str | None:
    try:
        with StateStore.open(loaded.service.database_url, readonly=True) as store:
            schema = store.schema_status()
    except StateStoreError:
        return None
    if schema.missing:
        return "dry run: no state store yet; every item is new. Nothing was written."
    if schema.needs_migration:
        return "dry run: the state store needs a migration; it was read as empty."
    return "dry run: nothing was written."
