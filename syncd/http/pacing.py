"""Spacing and holding requests to one host, across every thread that talks to it."""

from __future__ import annotations

import threading

from syncd.http.clock import Clock


class Pacer:
    """Enforces a minimum interval between requests (and between writes) to one host, and holds
    every request while the host has asked for a pause (``Retry-After``, rate-limit reset).

    Thread-safe. A waiting thread reserves its slot, so waiters are served in turn rather than all
    at once; a hold that arrives while a thread waits for its slot is honoured before it proceeds.
    """

    def __init__(self, clock: Clock, *, min_interval: float = 0.0, min_write_interval: float = 0.0):
        self._clock = clock
        self._min_interval = min_interval
        self._min_write_interval = min_write_interval
        self._lock = threading.Lock()
        self._next_slot = float("-inf")
        self._next_write_slot = float("-inf")
        self._held_until = float("-inf")

    def acquire(self, *, write: bool = False) -> float:
        """Block until this request may be sent; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock.monotonic()
                if self._held_until > now:
                    delay, reserved = self._held_until - now, False
                else:
                    slot = max(now, self._next_slot)
                    if write:
                        slot = max(slot, self._next_write_slot)
                        self._next_write_slot = slot + self._min_write_interval
                    self._next_slot = slot + self._min_interval
                    delay, reserved = slot - now, True
                    if delay <= 0:
                        return waited
            self._clock.sleep(delay)
            waited += delay
            if reserved:
                with self._lock:
                    if self._held_until <= self._clock.monotonic():
                        return waited
                # A hold came in while we waited for our slot: wait it out, then queue again.

    def hold(self, seconds: float) -> None:
        """No request to this host before ``seconds`` from now (extends, never shortens, a hold)."""
        with self._lock:
            self._held_until = max(self._held_until, self._clock.monotonic() + seconds)

    def held_for(self) -> float:
        """Seconds left of the current hold (0 when none)."""
        with self._lock:
            return max(self._held_until - self._clock.monotonic(), 0.0)


class PacerRegistry:
    """One :class:`Pacer` per (service, host), shared by every session and thread of a process."""

    def __init__(
        self, clock: Clock, *, min_interval: float = 0.0, min_write_interval: float = 0.0
    ) -> None:
        self._clock = clock
        self._min_interval = min_interval
        self._min_write_interval = min_write_interval
        self._lock = threading.Lock()
        self._pacers: dict[tuple[str, str], Pacer] = {}

    def for_host(self, service: str, host: str) -> Pacer:
        key = (service, host.lower())
        with self._lock:
            pacer = self._pacers.get(key)
            if pacer is None:
                pacer = Pacer(
                    self._clock,
                    min_interval=self._min_interval,
                    min_write_interval=self._min_write_interval,
                )
                self._pacers[key] = pacer
            return pacer
