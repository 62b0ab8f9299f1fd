"""The service's failure logs: the first failure of a run of them and the recovery, not every
tick (as Home Assistant's update coordinator logs). ``/metrics`` still counts every failure."""

from __future__ import annotations

import threading
from collections.abc import Collection
from typing import Any

from syncd.output.failure_streaks import Failing, FailureKey, FailureStreaks, Recovered, Verdict

# The field that names a key's subject in its events, by kind.
SUBJECT_FIELDS = {"source": "source", "digest": "channel"}
# ``sync.team_failed`` is the team's own failure: its recovery is the team's.
RECOVERED_EVENTS = {"sync": "sync.team_recovered"}


def recovered_event(kind: str) -> str:
    return RECOVERED_EVENTS.get(kind, f"{kind}.recovered")


class ServiceFailures:
    """Every team's failure streaks on this replica; a ``FailureLog`` per piece of work."""

    def __init__(self) -> None:
        self._streaks = FailureStreaks()
        # A team's sync and its digest run on different threads and share its streaks.
        self._lock = threading.Lock()

    def work(self, team: str) -> FailureLog:
        return FailureLog(self, team)

    def forget(self, team: str) -> None:
        with self._lock:
            self._streaks.forget(team)

    def failing(self, team: str) -> dict[FailureKey, int]:
        with self._lock:
            return self._streaks.failing(team)

    def failed(self, team: str, key: FailureKey, error: str) -> Failing:
        with self._lock:
            return self._streaks.failed(team, key, error)

    def settle(
        self, team: str, kinds: Collection[str], failed_now: Collection[FailureKey]
    ) -> list[Recovered]:
        with self._lock:
            return self._streaks.settle(team, kinds=kinds, failed_now=failed_now)

    def recovered(self, team: str, key: FailureKey) -> Recovered | None:
        with self._lock:
            return self._streaks.recovered(team, key)


class FailureLog:
    """The failures of one piece of work (a team's cycle, or its digest): a ``FailureReporter``
    for ``syncd.output.logs.failures_reported_by``, then ``settle`` to log what recovered."""

    def __init__(self, owner: ServiceFailures, team: str) -> None:
        self._owner = owner
        self._team = team
        self._reported: set[FailureKey] = set()

    def reported(self, key: FailureKey) -> bool:
        return key in self._reported

    def report(
        self,
        log: Any,
        key: FailureKey,
        event: str,
        error: str,
        *,
        traceback: bool,
        level: str = "error",
        **fields: Any,
    ) -> None:
        if key in self._reported:
            # Another layer met the same failure in this piece of work: one failure, one count.
            log.debug(event, error=error, **fields)
            return
        self._reported.add(key)
        failing = self._owner.failed(self._team, key, error)
        if failing.verdict is Verdict.REPEAT:
            log.debug(event, error=error, failures_in_a_row=failing.in_a_row, **fields)
        elif traceback:
            log.exception(event, error=error, failures_in_a_row=failing.in_a_row, **fields)
        else:
            getattr(log, level)(event, error=error, failures_in_a_row=failing.in_a_row, **fields)

    def recover(self, log: Any, key: FailureKey, **fields: Any) -> None:
        """``key`` works again: log its recovery if it was failing (``fields`` name it)."""
        done = self._owner.recovered(self._team, key)
        if done is not None:
            self._reported.discard(key)
            log.info(recovered_event(key.kind), failed_cycles=done.failed_cycles, **fields)

    def settle(self, log: Any, kinds: Collection[str]) -> None:
        """The work looked at every key of ``kinds``: log each that failed before and not now."""
        for done in self._owner.settle(self._team, kinds, self._reported):
            subject = (
                {SUBJECT_FIELDS.get(done.key.kind, "subject"): done.key.subject}
                if done.key.subject
                else {}
            )
            log.info(recovered_event(done.key.kind), failed_cycles=done.failed_cycles, **subject)
