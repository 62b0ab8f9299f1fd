"""The commands' side of one writer per team: take each team before writing it, or say who
holds it (``syncd.writers``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape

from syncd.config.loader import LoadedConfig
from syncd.output.logs import get_logger
from syncd.store import StateStore
from syncd.test_hooks import FREEZE_ENV, freeze_setting
from syncd.writers import TeamBusyError, TeamWriter, take_team
from syncd.writers.take import holder_name, lease_period


class Writers:
    """Takes the teams of one command, under one holder name (host, pid, a random suffix)."""

    def __init__(self, loaded: LoadedConfig, store: StateStore, command: str) -> None:
        self._loaded = loaded
        self._store = store
        self._command = command
        self._holder = holder_name()
        self._period = lease_period(os.environ)  # ValueError when SYNCD_LEASE_SECONDS is bad

    @contextmanager
    def team(self, team: str, err: Console) -> Iterator[TeamWriter]:
        """Hold ``team`` for the block; :class:`TeamBusyError` (printed) when another process
        holds it past ``team_lock_wait``."""
        try:
            writer = take_team(
                self._store,
                self._loaded.service.database_url,
                team,
                command=self._command,
                holder=self._holder,
                wait=self._loaded.service.team_lock_wait,
                period=self._period,
            )
        except TeamBusyError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
            get_logger(team=team).error(
                "writer.team_busy",
                command=self._command,
                held_by=exc.holder.describe() if exc.holder else None,
            )
            raise
        try:
            yield writer
        finally:
            writer.release()


def warn_of_test_hooks(err: Console) -> None:
    if freeze_setting() is not None:
        err.print(
            f"[yellow]warning:[/] {FREEZE_ENV} is set: this syncd stops itself at a test "
            "freeze point; unset it in production"
        )


__all__ = ["Writers", "warn_of_test_hooks"]
