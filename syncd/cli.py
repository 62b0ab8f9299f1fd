"""The ``syncd`` command line (CONTRACT §2). Results go to stdout, logs and progress to stderr.

Exit status: 0 all good; 1 the run finished but something failed; 2 configuration or usage error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from syncd import __version__, plugins
from syncd.clock import ClockSettingError, Now, clock_from_env
from syncd.config.loader import LoadedConfig, load_config
from syncd.config.schema import team_file_schema
from syncd.console import render_status, render_sync
from syncd.logs import configure, redactor
from syncd.report import stored_item_json, sync_json
from syncd.runner import TeamRun, sync_team
from syncd.secret_values import secret_values as _secret_values
from syncd.store import StateStore, StateStoreError

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

app = typer.Typer(
    name="syncd",
    help="Mirror postmortem action items into your tracker and report the languishing ones.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        envvar="SYNCD_CONFIG",
        help="Config directory (syncd.yaml, people.yaml, teams/) or one team file.",
        show_default=True,
    ),
]
TeamOption = Annotated[str | None, typer.Option("--team", "-t", help="Only this team.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]

# Piped output keeps whole lines readable instead of folding tables at 80 columns.
PIPED_WIDTH = 160


class _Consoles:
    """Consoles built on use, so they write to whatever stdout/stderr are at that moment."""

    @property
    def out(self) -> Console:
        width = None if sys.stdout.isatty() else PIPED_WIDTH
        return Console(highlight=False, width=width)

    @property
    def err(self) -> Console:
        return Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)


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
    """This command's clock: the system's, unless the test-only ``SYNCD_TEST_NOW`` pins it."""
    try:
        now, pinned = clock_from_env(os.environ)
    except ClockSettingError as exc:
        _consoles.err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc
    if pinned is not None:
        _consoles.err.print(
            f"[yellow]warning:[/] SYNCD_TEST_NOW is set: syncd runs as if it were "
            f"{pinned.isoformat()} (a test-only setting; unset it in production)"
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
def _progress(enabled: bool) -> Iterator[Callable[[str, str], None] | None]:
    """A live count of documents read, on a terminal only."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TextColumn("{task.completed} documents"),
        TimeElapsedColumn(),
        console=_consoles.err,
        transient=True,
    ) as progress:
        task = progress.add_task("reading", total=None)

        def advance(source: str, _document: str) -> None:
            progress.update(task, advance=1, description=f"reading {source}")

        yield advance


@app.command()
def check(
    config: ConfigOption = Path("config"),
    online: Annotated[
        bool, typer.Option("--online", help="Also read every source to check it is reachable.")
    ] = False,
) -> None:
    """Validate the configuration (and, with --online, that every source can be read)."""
    loaded = _load(config)
    _consoles.out.print(f"configuration OK: {len(loaded.teams)} team(s) in {loaded.root}")
    for team in loaded.teams:
        cfg = team.config
        _consoles.out.print(
            f"  {cfg.team}: {len(cfg.sources)} source(s), tracker {cfg.tracker.type}, "
            f"{len(cfg.digest.channels)} chat channel(s), {len(cfg.people)} people"
        )
    if not online:
        return
    from syncd.sources import read_source

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
    from syncd.http import HttpError
    from syncd.tracker import CheckableTracker, TrackerContext
    from syncd.tracker_stage import missing_secrets

    config = team.config.tracker
    name = f"{team.config.team} tracker ({config.type})"
    missing = [f"tracker.{p}" for p in missing_secrets(config.settings)]
    if missing:
        _consoles.out.print(f"  [red]failed[/] {name}: {', '.join(missing)} is empty")
        return True
    connector = plugins.connector_class("tracker", config.type)
    tracker = connector(config.settings, TrackerContext(team=team.config.team, now=now))
    try:
        if not isinstance(tracker, CheckableTracker):
            _consoles.out.print(f"  [yellow]not checked[/] {name}: the connector has no check")
            return False
        _consoles.out.print(f"  [green]ok[/] {name}: {tracker.check()}")
        return False
    except HttpError as exc:
        _consoles.out.print(f"  [red]failed[/] {name}: {exc}")
        return True
    finally:
        tracker.close()


@app.command()
def sync(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and plan; write nothing anywhere.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run one full cycle for each team (or one): read, identify, resolve, record."""
    loaded = _load(config, team)
    store = _open_store(loaded, readonly=dry_run)
    now = _clock()()
    runs: list[TeamRun] = []
    try:
        with _progress(_consoles.err.is_terminal and not as_json) as on_document:
            for loaded_team in loaded.teams:
                if team is not None and loaded_team.config.team != team:
                    continue
                runs.append(
                    sync_team(
                        loaded_team,
                        store,
                        now=now,
                        cache_dir=loaded.service.state_dir / "cache",
                        dry_run=dry_run,
                        on_document=on_document,
                    )
                )
    finally:
        store.close()
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


@app.command()
def status(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the items the state store holds, with tracker key, owner, due date and flags."""
    from syncd.digest_inputs import stored_holders

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
    finally:
        store.close()
    if as_json:
        payload = {
            "teams": {
                name: {
                    "items": [
                        stored_item_json(i, links[name].get(i.id), holders[name].get(i.id))
                        for i in items[name]
                    ],
                    "last_sync": _run_json(runs[name]),
                    "mirror": _mirror_progress(items[name], links[name], intents[name]),
                }
                for name in names
            }
        }
        _print_json(payload)
        return
    render_status(_consoles.out, items, links, holders)
    for name in names:
        progress = _mirror_progress(items[name], links[name], intents[name])
        _consoles.out.print(
            f"{name}: {progress['mirrored']} of {progress['to_mirror']} open items have an issue"
            + (f", {progress['creates_in_flight']} creates in flight" if intents[name] else "")
        )
        run = runs[name]
        if run is not None:
            _consoles.out.print(
                f"{name}: last sync {run.started_at:%Y-%m-%d %H:%M} UTC, {run.outcome}"
            )


def _mirror_progress(items: Any, links: Any, intents: int) -> dict[str, int]:
    """How far mirroring has got: a large first mirror into GitHub takes hours, by its limits."""
    open_ids = {i.id for i in items if i.status == "open" and i.orphaned_at is None}
    return {
        "to_mirror": len(open_ids),
        "mirrored": len(open_ids & set(links)),
        "creates_in_flight": intents,
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


DIGEST_FORMATS = ("text", "slack", "teams", "mattermost", "discord", "json")


@app.command()
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
            help="With --dry-run: text, or a channel's payload (slack, teams, mattermost, "
            "discord, json) for previewing.",
        ),
    ] = "text",
) -> None:
    """Build the digest of the current schedule slot and post it (once per slot and channel)."""
    if fmt not in DIGEST_FORMATS:
        _consoles.err.print(f"[red]error:[/] --format must be one of {', '.join(DIGEST_FORMATS)}")
        raise typer.Exit(EXIT_CONFIG)
    from syncd.digest_command import post_digests, preview_digest

    loaded = _load(config, team)
    store = _open_store(loaded, readonly=dry_run)
    now = _clock()()
    failed = False
    try:
        for loaded_team in loaded.teams:
            if team is not None and loaded_team.config.team != team:
                continue
            if dry_run:
                sys.stdout.write(preview_digest(loaded_team, store, now=now, fmt=fmt))
            else:
                failed |= not post_digests(
                    loaded_team, store, now=now, force=force, console=_consoles.out
                )
    finally:
        store.close()
    if failed:
        raise typer.Exit(EXIT_FAILED)


@app.command()
def run(config: ConfigOption = Path("config")) -> None:
    """Run as a service: scheduled syncs and digests, /healthz, /readyz and /metrics over HTTP."""
    from syncd.service import run_service

    loaded = _load(config)
    raise typer.Exit(run_service(config, loaded, os.environ, clock=_clock()))


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the JSON Schema of a team file (for editors and CI validation)."""
    text = json.dumps(team_file_schema(), indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


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


def main() -> None:
    app()
