"""Which failures are news: the first of a run of failures, a changed error, and the recovery.

``syncd run`` retries a failing team every interval. An operator needs to hear when a failure
starts, when its error changes and when it ends, not the same error on every tick; the service
logs through this bookkeeping (``syncd.service.failure_log``) and counts every failure in
``/metrics`` regardless. Plain data, no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "TEAM_CYCLE",
    "TRACKER",
    "Failing",
    "FailureKey",
    "FailureStreaks",
    "Recovered",
    "Verdict",
]


@dataclass(frozen=True, slots=True, order=True)
class FailureKey:
    """One thing of a team that can fail on its own: ``kind`` (``sync``, ``tracker``,
    ``source``, ``digest``) and, where a team has several, which one (a source's name)."""

    kind: str
    subject: str = ""


TEAM_CYCLE = FailureKey("sync")  # the team's cycle stopped before its end
TRACKER = FailureKey("tracker")  # the team's tracker could not be read or written


class Verdict(StrEnum):
    FIRST = "first"  # the first failure since the last success (or ever)
    CHANGED = "changed"  # still failing, with another error than last time
    REPEAT = "repeat"  # the same failure again

    @property
    def news(self) -> bool:
        return self is not Verdict.REPEAT


@dataclass(frozen=True, slots=True)
class Failing:
    verdict: Verdict
    in_a_row: int  # failures in a row of this key, this one included


@dataclass(frozen=True, slots=True)
class Recovered:
    key: FailureKey
    failed_cycles: int  # how many failed in a row before this success


@dataclass(frozen=True, slots=True)
class _Streak:
    error: str
    in_a_row: int


class FailureStreaks:
    """Failures in a row, by scope (a team) and key. Not thread-safe: the caller serialises."""

    def __init__(self) -> None:
        self._streaks: dict[str, dict[FailureKey, _Streak]] = {}

    def failed(self, scope: str, key: FailureKey, error: str) -> Failing:
        """Count one failure of ``key``; whether it is news."""
        streaks = self._streaks.setdefault(scope, {})
        before = streaks.get(key)
        if before is None:
            verdict, in_a_row = Verdict.FIRST, 1
        else:
            verdict = Verdict.REPEAT if before.error == error else Verdict.CHANGED
            in_a_row = before.in_a_row + 1
        streaks[key] = _Streak(error, in_a_row)
        return Failing(verdict, in_a_row)

    def settle(
        self, scope: str, *, kinds: Collection[str], failed_now: Collection[FailureKey]
    ) -> list[Recovered]:
        """End a cycle that looked at every key of these ``kinds``: those failing before and not
        in ``failed_now`` recovered. A kind the cycle never reached (it stopped early) keeps
        its streak, as nothing says it works again."""
        streaks = self._streaks.get(scope, {})
        recovered = sorted(
            (
                Recovered(key, streak.in_a_row)
                for key, streak in streaks.items()
                if key.kind in kinds and key not in failed_now
            ),
            key=lambda r: r.key,
        )
        for done in recovered:
            del streaks[done.key]
        return recovered

    def recovered(self, scope: str, key: FailureKey) -> Recovered | None:
        """``key`` worked again (a document read, a request answered): its streak ends here,
        whatever the rest of the cycle does. None when it was not failing."""
        streak = self._streaks.get(scope, {}).pop(key, None)
        return None if streak is None else Recovered(key, streak.in_a_row)

    def failing(self, scope: str) -> dict[FailureKey, int]:
        """The keys of ``scope`` failing now, with their failures in a row."""
        return {key: s.in_a_row for key, s in self._streaks.get(scope, {}).items()}

    def forget(self, scope: str) -> None:
        """Drop ``scope``: a team removed, or held by another replica now (its next failure
        here is news again)."""
        self._streaks.pop(scope, None)
