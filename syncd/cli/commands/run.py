"""``syncd run``: the long-running service (``syncd.service``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from syncd.cli import streams
from syncd.cli.command_setup import clock_or_exit, confirmed_sources_or_exit, load_or_exit
from syncd.cli.options import ConfigOption
from syncd.cli.team_writers import warn_of_test_hooks

ConfirmRemovalOption = Annotated[
    list[str] | None,
    typer.Option(
        "--confirm-removal",
        metavar="SOURCE",
        help="Confirm the mass removal this source's first cycle (of each team, on this "
        "replica) finds held: orphan the missing documents' items. Later losses are held "
        "again. Repeatable.",
    ),
]


def run(
    config: ConfigOption = Path("config"),
    confirm_removal: ConfirmRemovalOption = None,
) -> None:
    """The long-running service: each team's sync and digest on schedule, health and metrics.

    Each team syncs every sync_interval and posts its digest on its cron; /healthz, /readyz
    and /metrics are served on http_port. SIGHUP reloads the configuration; SIGTERM stops.
    """
    from syncd.service import run_service

    loaded = load_or_exit(config)
    confirmed = confirmed_sources_or_exit(loaded, None, confirm_removal or [])
    warn_of_test_hooks(streams.consoles.err)
    raise typer.Exit(
        run_service(config, loaded, os.environ, clock=clock_or_exit(), confirm_removal=confirmed)
    )
