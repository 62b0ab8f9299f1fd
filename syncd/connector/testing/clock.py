"""A clock for the HTTP policy in which nothing really waits: sleeping moves it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

__all__ = ["VirtualClock"]


class VirtualClock:
    """The policy's ``Clock`` (``monotonic``, ``wall``, ``sleep``); ``slept`` keeps every wait."""

    def __init__(self, start: datetime | None = None) -> None:
        self._wall = (start or datetime(2026, 11, 21, 9, 0, tzinfo=UTC)).timestamp()
        self._mono = 1000.0
        self._lock = threading.Lock()
        self.slept: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def wall(self) -> float:
        with self._lock:
            return self._wall

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)
            self.slept.append(seconds)

    def advance(self, seconds: float) -> None:
        """Time passing without anyone sleeping (a fake's Retry-After running out)."""
        with self._lock:
            self._mono += seconds
            self._wall += seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.wall(), UTC)

    def __call__(self) -> datetime:  # a clock callable, as fakes and the cycle take one
        return self.now()
