"""The ``syncd`` command line (CONTRACT §2). Results go to stdout, logs and progress to stderr.

Exit status: 0 all good; 1 the run finished but something failed; 2 configuration or usage error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from syncd import __version__, plugins
from syncd.cli.console import render_status, render_sync
from syncd.cli.help_format import SyncdCommand, SyncdGroup
from syncd.cli.progress_line import ProgressLine, progress_display
from syncd.cli.redacting_console import RedactingConsole
from syncd.cli.report import stored_item_json, sync_json
from syncd.cli.status_totals import status_totals
from syncd.cli.team_writers import Writers, warn_of_test_hooks
from syncd.clock import TEST_NOW_ENV, TIME_SHIFT_ENV, ClockSettingError, Now, clock_from_env
from syncd.config.loader import LoadedConfig, load_config
from syncd.config.schema import team_file_schema
from syncd.cycle.progress import ProgressListener
from syncd.cycle.team_cycle import TeamRun, sync_team
from syncd.http.budget import RATE_SCALE_ENV, rate_scale
from syncd.output.logs import configure, get_logger, redactor
from syncd.output.redacting_stream import redact_standard_streams
from syncd.output.secret_values import secret_values as _secret_values
from syncd.store import StateStore, StateStoreError
from syncd.writers import TeamBusyError

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

app = typer.Typer(
    name="syncd",
    cls=SyncdGroup,
    help="Mirror postmortem action items into your tracker and report the languishing ones.",
    epilog="Exit status: 0 all good; 1 the run finished but some document, source or team "
    "failed (each is printed); 2 configuration or usage error (nothing was done). "
    "Results go to stdout, logs and progress to stderr.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        metavar="PATH",
        envvar="SYNCD_CONFIG",
        help="A config directory (syncd.yaml, people.yaml, teams/) or one team file; "
        "default ./config.",
        show_default=False,
    ),
]


def _team_name(value: str | None) -> str | None:
    # `--team --json` would otherwise read "--json" as the team's name.
    if value is not None and value.startswith("-"):
        raise typer.BadParameter(f"needs a team name, got the option {value!r}")
    return value


TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        "-t",
        metavar="NAME",
        help="Only this team (its team: name).",
        callback=_team_name,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead of tables.")
]

# Piped output keeps whole lines readable instead of folding tables at 80 columns.
PIPED_WIDTH = 160


class _Consoles:
    """Consoles built on use, so they write to whatever stdout/stderr are at that moment."""

    @property
    def out(self) -> Console:
        width = None if sys.stdout.isatty() else PIPED_WIDTH
        return RedactingConsole(highlight=False, width=width)

    @property
    def err(self) -> Console:
        width = None if sys.stderr.isatty() else 200
        return RedactingConsole(stderr=True, highlight=False, width=width)


_consoles = _Consoles()


def _load(config: Path, team: str | None = None) -> LoadedConfig:
    """Load and validate; any error ends the command with status 2 before anything is done."""
    if not config.exists():
        _consoles.err.print(
            f"[red]error:[/] config path {config} does not exist (set --config or SYNCD_CONFIG)"
        )
        raise typer.Exit(EXIT_CONFIG)
    loaded = load_config(config, env=os.environ)
    for broken in plugins.broken_connectors():
        _consoles.err.print(
            f"[yellow]warning:[/] connector {broken.entry_point} failed to load: {broken.error}"
        )
    if loaded.errors:
        for error in loaded.errors:
            _consoles.err.print(f"[red]error:[/] {error}", soft_wrap=True)
        _consoles.err.print(f"{len(loaded.errors)} configuration error(s); nothing was done.")
        raise typer.Exit(EXIT_CONFIG)
    if team is not None and team not in {t.config.team for t in loaded.teams}:
        known = ", ".join(sorted(t.config.team for t in loaded.teams)) or "none"
        _consoles.err.print(f"[red]error:[/] no team {team!r} in {config} (teams: {known})")
        raise typer.Exit(EXIT_CONFIG)
    configure(log_format=loaded.service.log_format, level=loaded.service.log_level)
    redactor.register(_secret_values(loaded))
    return loaded


def _clock() -> Now:
    """This command's clock: the system's, unless a test-only hook (``syncd.clock``) moves it."""
    try:
        now, pinned = clock_from_env(os.environ)
    except ClockSettingError as exc:
        _consoles.err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc
    if pinned is not None:
        _consoles.err.print(
            f"[yellow]warning:[/] a test-only clock setting is in the environment: syncd runs "
            f"as if it were {pinned:%Y-%m-%d %H:%M} UTC ({TEST_NOW_ENV} or {TIME_SHIFT_ENV}; "
            "unset it in production)"
        )
    if os.environ.get(RATE_SCALE_ENV, "").strip():
        try:
            scale = rate_scale(os.environ)
        except ValueError as exc:
            _consoles.err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(EXIT_CONFIG) from exc
        _consoles.err.print(
            f"[yellow]warning:[/] {RATE_SCALE_ENV}={scale:g}: the trackers' rate limits are "
            "sped up for a test or benchmark; unset it in production"
        )
    return now


def _open_store(loaded: LoadedConfig, *, readonly: bool) -> StateStore:
    url = loaded.service.database_url
    try:
        if not readonly:
            loaded.service.state_dir.mkdir(parents=True, exist_ok=True)
        store = StateStore.open(url, readonly=readonly)
        if not readonly:
            store.migrate()
        return store
    except StateStoreError as exc:
        _consoles.err.print(f"[red]error:[/] state store: {exc}")
        raise typer.Exit(EXIT_FAILED) from exc


@contextmanager
def _progress(enabled: bool, *, teams: int) -> Iterator[ProgressListener | None]:
    """What the sync is doing (reading, mirroring, waiting, which team), on a terminal only."""
    if not enabled:
        yield None
        return
    line = ProgressLine(teams=teams)
    with progress_display(_consoles.err, line) as display:
        display.add_task("sync", total=None)
        yield line


@app.command(cls=SyncdCommand)
def check(
    config: ConfigOption = Path("config"),
    online: Annotated[
        bool,
        typer.Option(
            "--online", help="Also read every source and check each tracker with its credentials."
        ),
    ] = False,
) -> None:
    """Validate the configuration; --online also reads every source and checks each tracker.

    The tracker is checked with the team's credentials (Jira: the account, that the URL is a
    Jira, the project and a search; GitHub: that api_url answers as a GitHub API, the
    repository and what the token may do). Chat webhooks cannot be checked without
    posting to them: preview the digest with syncd digest --dry-run.
    """
    loaded = _load(config)
    elsewhere = loaded.teams_dir not in (None, loaded.root / "teams")
    where = f"{loaded.root} (team files in {loaded.teams_dir})" if elsewhere else loaded.root
    _consoles.out.print(f"configuration OK: {len(loaded.teams)} team(s) in {where}")
    for team in loaded.teams:
        cfg = team.config
        _consoles.out.print(
            f"  {cfg.team}: {len(cfg.sources)} source(s), tracker {cfg.tracker.type}, "
            f"{len(cfg.digest.channels)} chat channel(s), {len(cfg.people)} people"
        )
    if not online:
        return
    from syncd.cycle.read_sources import read_source

    failed = False
    now = _clock()()
    for team in loaded.teams:
        for source in team.config.sources:
            outcome = read_source(
                team=team.config.team,
                name=source.name,
                type_=source.type,
                settings=source.settings,
                config_dir=team.dir,
                cache_dir=loaded.service.state_dir / "cache",
                now=now,
            )
            if outcome.ok:
                _consoles.out.print(
                    f"  [green]ok[/] {team.config.team}/{source.name}: "
                    f"{len(outcome.documents)} document(s) readable, "
                    f"{len(outcome.failures)} skipped"
                )
            else:
                failed = True
                _consoles.out.print(
                    f"  [red]failed[/] {team.config.team}/{source.name}: {outcome.error}"
                )
        tracker_failed = _check_tracker(team, now)
        failed = failed or tracker_failed
        _consoles.out.print(
            f"  [yellow]not checked[/] {team.config.team} chat channels: a webhook cannot be "
            "checked without posting to it; `syncd digest --dry-run` previews the digest"
        )
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _check_tracker(team: Any, now: datetime) -> bool:
    """Check a team's tracker with its credentials; True when the check failed."""
    from rich.markup import escape

    from syncd.cycle.tracker_errors import tracker_failure
    from syncd.cycle.tracker_stage import Unopened, open_tracker
    from syncd.http import HttpError
    from syncd.tracker import CheckableTracker

    name = f"{team.config.team} tracker ({team.config.tracker.type})"
    tracker = open_tracker(team, now=now, mirroring=False)
    if isinstance(tracker, Unopened):
        _consoles.out.print(f"  [red]failed[/] {name}: {', '.join(tracker.missing)} is empty")
        return True
    try:
        if not isinstance(tracker, CheckableTracker):
            _consoles.out.print(f"  [yellow]not checked[/] {name}: the connector has no check")
            return False
        _consoles.out.print(f"  [green]ok[/] {name}: {escape(tracker.check())}")
        return False
    except HttpError as exc:
        _consoles.out.print(f"  [red]failed[/] {name}: {escape(tracker_failure(exc))}")
        return True
    except Exception as exc:  # one team's check never stops the others', nor shows a traceback
        get_logger(team=team.config.team).error("check.tracker_failed", error=type(exc).__name__)
        _consoles.out.print(
            f"  [red]failed[/] {name}: the check stopped on an unexpected "
            f"{type(exc).__name__}; please report it with the tracker's answer"
        )
        return True
    finally:
        tracker.close()


@app.command(cls=SyncdCommand)
def sync(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Read and plan; write nothing anywhere (state store, tracker); print the items "
            "and the plan.",
        ),
    ] = False,
    as_json: JsonOption = False,
    recreate_missing: Annotated[
        bool,
        typer.Option(
            "--recreate-missing",
            help="An item whose issue was deleted in the tracker gets a new issue (without "
            "it, the deletion is reported and nothing is created).",
        ),
    ] = False,
    confirm_removal: Annotated[
        list[str] | None,
        typer.Option(
            "--confirm-removal",
            metavar="SOURCE",
            help="The documents missing from this source were really removed: orphan their "
            "items now, though the source lost more than its max_document_loss (the "
            "mass-removal guard holds such a loss). Repeatable.",
        ),
    ] = None,
) -> None:
    """One cycle per team: read, identify, resolve, record, and mirror into the tracker.

    Each team's sources are read, their action items recorded in the state store and mirrored
    as issues into the team's tracker, exactly once. On a terminal, stderr shows what it is
    doing: reading a source, mirroring n of m, waiting for a rate limit until when.

    A source that returns none of its documents, or loses more than its max_document_loss of
    them at once, is held: its missing documents' items are kept, not orphaned, and the sync
    exits 1, until --confirm-removal SOURCE or removal_confirm_cycles syncs in a row.
    """
    loaded = _load(config, team)
    confirmed = _confirmed_sources(loaded, team, confirm_removal or [])
    store = _open_store(loaded, readonly=dry_run)
    now = _clock()()
    runs: list[TeamRun] = []
    selected = [t for t in loaded.teams if team is None or t.config.team == team]
    writers = None if dry_run else _writers(loaded, store, "sync")
    try:
        with _progress(_consoles.err.is_terminal and not as_json, teams=len(selected)) as progress:
            for loaded_team in selected:
                name = loaded_team.config.team

                def run_team(writer: Any = None, loaded_team: Any = loaded_team) -> TeamRun:
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

                if writers is None:
                    runs.append(run_team())
                    continue
                try:  # one writer per team: another sync or a `syncd run` may hold it
                    with writers.team(name, _consoles.err) as writer:
                        runs.append(run_team(writer))
                except TeamBusyError as exc:
                    runs.append(TeamRun(name, error=str(exc)))
    finally:
        store.close()
    _note_unheld_confirmations(runs, confirmed)
    if as_json:
        _print_json(sync_json(runs, dry_run=dry_run))
    else:
        render_sync(_consoles.out, runs, dry_run=dry_run)
        if dry_run:
            status = store_note(loaded)
            if status:
                _consoles.out.print(f"[dim]{status}[/]")
    if any(run.failed_anything for run in runs):
        raise typer.Exit(EXIT_FAILED)


def _confirmed_sources(loaded: LoadedConfig, team: str | None, names: list[str]) -> frozenset[str]:
    """The sources named by --confirm-removal; each must be a source of a team synced."""
    sources = {
        source.name
        for loaded_team in loaded.teams
        if team is None or loaded_team.config.team == team
        for source in loaded_team.config.sources
    }
    unknown = sorted(set(names) - sources)
    if unknown:
        _consoles.err.print(
            f"[red]error:[/] --confirm-removal {', '.join(unknown)}: no such source"
            f"{' in team ' + team if team else ''} (sources: {', '.join(sorted(sources))}); "
            "nothing was done"
        )
        raise typer.Exit(EXIT_CONFIG)
    return frozenset(names)


def _note_unheld_confirmations(runs: list[TeamRun], confirmed: frozenset[str]) -> None:
    """Say so when --confirm-removal named a source that had no loss to confirm."""
    from syncd.cycle.removal_guard import Verdict

    for source in sorted(confirmed):
        judged = [run.guard[source] for run in runs if source in run.guard]
        if judged and not any(j.verdict is Verdict.CONFIRMED for j in judged):
            _consoles.err.print(
                f"[yellow]note:[/] --confirm-removal {source}: the source lost no more than "
                "its max_document_loss this time; there was nothing to confirm"
            )


def _writers(loaded: LoadedConfig, store: StateStore, command: str) -> Writers:
    warn_of_test_hooks(_consoles.err)
    try:
        return Writers(loaded, store, command)
    except ValueError as exc:  # SYNCD_LEASE_SECONDS
        store.close()
        _consoles.err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc


def _print_json(payload: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact for a program (Python's C encoder only
    # runs without indentation, which matters for tens of thousands of items).
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(payload, indent=indent) + "\n")


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


@app.command(cls=SyncdCommand)
def status(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """The items the state store holds: issue, owner, due date, status, flags, and totals.

    Each item is open, done (in its document or in the tracker) or orphaned (gone from its
    document); the totals count the rows by that status.
    """
    from syncd.cycle.digest_inputs import held_source_reads, stored_holders

    loaded = _load(config, team)
    store = _open_store(loaded, readonly=True)
    try:
        names = [t.config.team for t in loaded.teams if team is None or t.config.team == team]
        items = {name: store.stored_items(name) for name in names}
        links = {name: store.links(name) for name in names}
        holders = {  # who holds each issue in the tracker now
            t.config.team: stored_holders(t, store, items[t.config.team], links[t.config.team])
            for t in loaded.teams
            if t.config.team in names
        }
        intents = {name: len(store.open_intents(name)) for name in names}
        runs = {name: store.last_run(name) for name in names}
        held = {
            t.config.team: held_source_reads(t, store)
            for t in loaded.teams
            if t.config.team in names
        }
    finally:
        store.close()
    totals = {name: status_totals(items[name], links[name], intents[name]) for name in names}
    if as_json:
        payload = {
            "teams": {
                name: {
                    "items": [
                        stored_item_json(i, links[name].get(i.id), holders[name].get(i.id))
                        for i in items[name]
                    ],
                    "totals": totals[name].json(),
                    "last_sync": _run_json(runs[name]),
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
                        for read in held[name]
                    ],
                }
                for name in names
            }
        }
        _print_json(payload)
        return
    render_status(_consoles.out, items, links, totals, holders)
    for name in names:
        run = runs[name]
        if run is not None:
            _consoles.out.print(
                f"{name}: last sync {run.started_at:%Y-%m-%d %H:%M} UTC, {run.outcome}"
            )
        for read in held[name]:
            since = f" since {read.held_since:%Y-%m-%d %H:%M} UTC" if read.held_since else ""
            _consoles.out.print(
                f"[red]{name}: held{since}:[/] {escape(read.held_note or '')}", soft_wrap=True
            )


def _run_json(run: Any) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "outcome": run.outcome,
        "counts": dict(run.counts or {}),
    }


@app.command(cls=SyncdCommand)
def digest(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the digest instead of posting it.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Post again even if this slot's digest was posted.")
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="With --dry-run: text, json, or the payload a channel would get: the type of "
            "any installed notifier, as written in a team file's digest.channels.",
            show_default=True,
        ),
    ] = "text",
) -> None:
    """Post the digest of the current schedule slot to each channel, once per slot and channel.

    Safe to run from cron: a slot already posted is not posted again (--force posts it again).
    --dry-run prints the digest instead and posts nothing.
    """
    from syncd.cli.digest_command import digest_formats, post_digests, preview_digest

    formats = digest_formats()
    if fmt not in formats:
        _consoles.err.print(f"[red]error:[/] --format must be one of {', '.join(formats)}")
        raise typer.Exit(EXIT_CONFIG)
    if fmt != "text" and not dry_run:
        # Whoever asks for a payload wants to see it: posting it to the channels instead
        # would be the surprise nobody can take back.
        _consoles.err.print(
            f"[red]error:[/] --format {fmt} previews a payload: add --dry-run (nothing was posted)"
        )
        raise typer.Exit(EXIT_CONFIG)
    loaded = _load(config, team)
    store = _open_store(loaded, readonly=dry_run)
    now = _clock()()
    failed = False
    writers = None if dry_run else _writers(loaded, store, "digest")
    try:
        for loaded_team in loaded.teams:
            if team is not None and loaded_team.config.team != team:
                continue
            if writers is None:
                sys.stdout.write(preview_digest(loaded_team, store, now=now, fmt=fmt))
                continue
            try:  # posting and recording it: one writer per team, as for sync
                with writers.team(loaded_team.config.team, _consoles.err):
                    failed |= not post_digests(
                        loaded_team, store, now=now, force=force, console=_consoles.out
                    )
            except TeamBusyError:
                failed = True
    finally:
        store.close()
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command(cls=SyncdCommand)
def run(
    config: ConfigOption = Path("config"),
    confirm_removal: Annotated[
        list[str] | None,
        typer.Option(
            "--confirm-removal",
            metavar="SOURCE",
            help="Confirm the mass removal this source's first cycle (of each team, on this "
            "replica) finds held: orphan the missing documents' items. Later losses are held "
            "again. Repeatable.",
        ),
    ] = None,
) -> None:
    """The long-running service: each team's sync and digest on schedule, health and metrics.

    Each team syncs every sync_interval and posts its digest on its cron; /healthz, /readyz
    and /metrics are served on http_port. SIGHUP reloads the configuration; SIGTERM stops.
    """
    from syncd.service import run_service

    loaded = _load(config)
    confirmed = _confirmed_sources(loaded, None, confirm_removal or [])
    warn_of_test_hooks(_consoles.err)
    raise typer.Exit(
        run_service(config, loaded, os.environ, clock=_clock(), confirm_removal=confirmed)
    )


@app.command(cls=SyncdCommand)
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of a team file (for editors and CI validation)."""
    text = json.dumps(team_file_schema(), indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _consoles.err.print(f"error: cannot write {output}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_CONFIG) from None


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"syncd {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """syncd keeps postmortem action items and their tracker issues in step."""
    redact_standard_streams()


def main() -> None:
    redact_standard_streams()
    app()
