"""Test doubles for the HTTP policy: a virtual clock and an observer that keeps its records."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from syncd.http import RequestRecord

EPOCH = 1_750_000_000.0  # wall time at the start of every test


class VirtualClock:
    """Time that moves only when every participating thread sleeps: it then jumps to the earliest
    wake-up. A thread that is awake therefore reads exactly the time at which it acts, and nothing
    really sleeps. Threads that stop using the clock call :meth:`leave`."""

    def __init__(self, participants: int = 1) -> None:
        self._now = 0.0
        self._active = participants
        self._sleepers: list[float] = []
        self._cond = threading.Condition()
        self.slept: list[float] = []

    def monotonic(self) -> float:
        with self._cond:
            return self._now

    def wall(self) -> float:
        return EPOCH + self.monotonic()

    def sleep(self, seconds: float) -> None:
        with self._cond:
            self.slept.append(seconds)
            wake = self._now + max(seconds, 0.0)
            self._sleepers.append(wake)
            self._jump_if_all_asleep()
            if not self._cond.wait_for(lambda: self._now >= wake, timeout=10):
                raise AssertionError("virtual clock stuck: a participant never slept nor left")
            self._sleepers.remove(wake)

    def advance(self, seconds: float) -> None:
        with self._cond:
            self._now += seconds
            self._cond.notify_all()

    def leave(self) -> None:
        with self._cond:
            self._active -= 1
            self._jump_if_all_asleep()

    def _jump_if_all_asleep(self) -> None:
        if self._sleepers and len(self._sleepers) >= self._active:
            self._now = max(self._now, min(self._sleepers))
            self._cond.notify_all()


@dataclass
class Records:
    """A :class:`RequestObserver` that keeps every record."""

    items: list[RequestRecord] = field(default_factory=list)

    def __call__(self, record: RequestRecord) -> None:
        self.items.append(record)
