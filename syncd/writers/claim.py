"""What a team's writer holds, and the error a second writer reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from syncd.fencing import Fence


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds a team, as the second writer tells a person."""

    command: str | None  # "run", "sync", "digest"
    pid: int | None
    host: str | None
    since: datetime | None

    def describe(self) -> str:
        """ "`syncd run` (pid 4242 on host-a, since 2026-12-03 01:02:03 UTC)"."""
        command = f"`syncd {self.command}`" if self.command else "another syncd"
        process = " ".join(
            part
            for part in (
                f"pid {self.pid}" if self.pid is not None else "",
                f"on {self.host}" if self.host else "",
            )
            if part
        )
        since = f"since {self.since:%Y-%m-%d %H:%M:%S} UTC" if self.since else ""
        where = ", ".join(part for part in (process, since) if part)
        return f"{command} ({where})" if where else command


class TeamBusyError(Exception):
    """Another process writes the team; nothing was written for it by this one."""

    def __init__(self, team: str, holder: Holder | None, waited: timedelta) -> None:
        self.team = team
        self.holder = holder
        self.waited = waited
        who = holder.describe() if holder is not None else "another syncd process"
        super().__init__(
            f"team {team} is being written by {who}; waited {_seconds(waited)} for it, "
            "nothing was written for this team. Run again once it is done, or wait longer "
            "with team_lock_wait (SYNCD_TEAM_LOCK_WAIT)."
        )


class TeamWriter(Protocol):
    """The right to write one team, held until :meth:`release`."""

    team: str
    # The lease and epoch every store write of the cycle is conditional on; None where the
    # lock cannot be lost while this process lives (an OS file lock).
    fence: Fence | None
    # How long a lease lasts (how soon a paused holder may be taken over); None: never taken.
    period: timedelta | None

    def guard(self) -> None:
        """Before a tracker write: raise ``LeaseLostError`` if the team is no longer ours."""
        ...

    def release(self) -> None: ...


def _seconds(value: timedelta) -> str:
    seconds = value.total_seconds()
    return f"{seconds:g} s"
