"""What a command does before its work: load the configuration, read the clock, open the state
store, take the team writers, check the sources it names. Each ends the command with its exit
status when it cannot: nothing has been done yet.

Exit status: 0 all good; 1 the run finished but something failed; 2 configuration or usage error.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from syncd import plugins
from syncd.cli import streams
from syncd.cli.team_writers import Writers, warn_of_test_hooks
from syncd.clock import TEST_NOW_ENV, TIME_SHIFT_ENV, ClockSettingError, Now, clock_from_env
from syncd.config.loader import LoadedConfig, load_config
from syncd.http.budget import RATE_SCALE_ENV, rate_scale
from syncd.output.logs import configure, redactor
from syncd.output.secret_values import secret_values as _secret_values
from syncd.store import StateStore, StateStoreError

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def load_or_exit(config: Path, team: str | None = None) -> LoadedConfig:
    """Load and validate; any error ends the command with status 2 before anything is done."""
    if not config.exists():
        streams.consoles.err.print(
            f"[red]error:[/] config path {config} does not exist (set --config or SYNCD_CONFIG)"
        )
        raise typer.Exit(EXIT_CONFIG)
    loaded = load_config(config, env=os.environ)
    for broken in plugins.broken_connectors():
        streams.consoles.err.print(
            f"[yellow]warning:[/] connector {broken.entry_point} failed to load: {broken.error}"
        )
    if loaded.errors:
        for error in loaded.errors:
            streams.consoles.err.print(f"[red]error:[/] {error}", soft_wrap=True)
        streams.consoles.err.print(
            f"{len(loaded.errors)} configuration error(s); nothing was done."
        )
        raise typer.Exit(EXIT_CONFIG)
    if team is not None and team not in {t.config.team for t in loaded.teams}:
        known = ", ".join(sorted(t.config.team for t in loaded.teams)) or "none"
        streams.consoles.err.print(f"[red]error:[/] no team {team!r} in {config} (teams: {known})")
        raise typer.Exit(EXIT_CONFIG)
    configure(log_format=loaded.service.log_format, level=loaded.service.log_level)
    redactor.register(_secret_values(loaded))
    return loaded


def clock_or_exit() -> Now:
    """This command's clock: the system's, unless a test-only hook (``syncd.clock``) moves it."""
    try:
        now, pinned = clock_from_env(os.environ)
    except ClockSettingError as exc:
        streams.consoles.err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc
    if pinned is not None:
        streams.consoles.err.print(
            f"[yellow]warning:[/] a test-only clock setting is in the environment: syncd runs "
            f"as if it were {pinned:%Y-%m-%d %H:%M} UTC ({TEST_NOW_ENV} or {TIME_SHIFT_ENV}; "
            "unset it in production)"
        )
    if os.environ.get(RATE_SCALE_ENV, "").strip():
        try:
            scale = rate_scale(os.environ)
        except ValueError as exc:
            streams.consoles.err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(EXIT_CONFIG) from exc
        streams.consoles.err.print(
            f"[yellow]warning:[/] {RATE_SCALE_ENV}={scale:g}: the trackers' rate limits are "
            "sped up for a test or benchmark; unset it in production"
        )
    return now


def open_store_or_exit(loaded: LoadedConfig, *, readonly: bool) -> StateStore:
    url = loaded.service.database_url
    try:
        if not readonly:
            loaded.service.state_dir.mkdir(parents=True, exist_ok=True)
        store = StateStore.open(url, readonly=readonly)
        if not readonly:
            store.migrate()
        return store
    except StateStoreError as exc:
        streams.consoles.err.print(f"[red]error:[/] state store: {exc}")
        raise typer.Exit(EXIT_FAILED) from exc


def writers_or_exit(loaded: LoadedConfig, store: StateStore, command: str) -> Writers:
    warn_of_test_hooks(streams.consoles.err)
    try:
        return Writers(loaded, store, command)
    except ValueError as exc:  # SYNCD_LEASE_SECONDS
        store.close()
        streams.consoles.err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_CONFIG) from exc


def confirmed_sources_or_exit(
    loaded: LoadedConfig, team: str | None, names: list[str]
) -> frozenset[str]:
    """The sources named by --confirm-removal; each must be a source of a team synced."""
    sources = {
        source.name
        for loaded_team in loaded.teams
        if team is None or loaded_team.config.team == team
        for source in loaded_team.config.sources
    }
    unknown = sorted(set(names) - sources)
    if unknown:
        streams.consoles.err.print(
            f"[red]error:[/] --confirm-removal {', '.join(unknown)}: no such source"
            f"{' in team ' + team if team else ''} (sources: {', '.join(sorted(sources))}); "
            "nothing was done"
        )
        raise typer.Exit(EXIT_CONFIG)
    return frozenset(names)
