"""Fault injection for the fake servers: scripted and seeded-random, plus a global latency.

Faults are decided when a request arrives, before it is handled, so a test knows exactly which
request got which fault (`faults.injected`). `drop_after` is the one fault that lets the request
take effect: the lost-response case exactly-once delivery must survive.
"""

from __future__ import annotations

import fnmatch
import random as _random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

# "405": Method Not Allowed, as a server or a proxy in front of it answers a method it refuses
# on an endpoint (with an Allow header); permanent, unlike the others.
# Garbage with a success status, as a login proxy, an SSO gateway or a gateway cutting answers
# short gives: "html" (a sign-in page that echoes the request's Authorization header, as a
# hostile tester's proxy would), "broken_json" (the real answer cut in half), "json_without_keys"
# (a JSON object without any field the real answer has), "empty_json" (``{}``). By default the
# request takes effect first (`applied`), the case exactly-once creation must survive; with
# ``applied=False`` it never reached the tracker (a proxy answered in its place).
GARBAGE_KINDS = ("html", "broken_json", "json_without_keys", "empty_json")
KINDS = ("405", "429", "500", "502", "503", "slow", "drop_before", "drop_after", *GARBAGE_KINDS)


@dataclass(frozen=True)
class Fault:
    """One injected failure. `retry_after` (whole seconds) goes with 429 and, optionally, 503."""

    kind: str
    retry_after: int | None = None
    delay: float = 0.5  # for "slow": seconds before the (correct) answer
    applied: bool = True  # for a garbage kind: whether the request took effect

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.kind == "429" and self.retry_after is None:
            object.__setattr__(self, "retry_after", 1)

    @property
    def status(self) -> int | None:
        return int(self.kind) if self.kind.isdigit() else None

    @property
    def garbage(self) -> bool:
        return self.kind in GARBAGE_KINDS

    @property
    def reaches_server(self) -> bool:
        """Whether the request is handled (its effect happens) before the fault's answer."""
        if self.garbage:
            return self.applied
        return self.status is None and self.kind != "drop_before"


@dataclass(frozen=True)
class InjectedFault:
    at: float  # time.monotonic() when the fault was decided
    method: str
    path: str
    fault: Fault


@dataclass
class _Rule:
    method: str
    pattern: str
    fault: Fault
    remaining: int | None  # None: every matching request
    skip: int = 0  # matching requests let through before the fault applies (`FaultPlan.nth`)

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class _Random:
    rate: float
    kinds: tuple[str, ...]
    rng: _random.Random
    retry_after: int
    delay: float


@dataclass
class FaultPlan:
    """What goes wrong next. Thread-safe; shared by every handler thread of one server."""

    latency: float = 0.0  # seconds added to every answer (benchmarks: 0.02)
    injected: list[InjectedFault] = field(default_factory=list)
    _queue: list[Fault] = field(default_factory=list)
    _rules: list[_Rule] = field(default_factory=list)
    _random: _Random | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self, n: int, fault: Fault) -> FaultPlan:
        """The next `n` requests, whatever they are, get `fault`."""
        with self._lock:
            self._queue.extend([fault] * n)
        return self

    def on(
        self, method: str, path_pattern: str, fault: Fault, *, times: int | None = 1
    ) -> FaultPlan:
        """Requests matching METHOD (or "*") and a glob on the path get `fault`, `times` times."""
        with self._lock:
            self._rules.append(_Rule(method.upper(), path_pattern, fault, times))
        return self

    def nth(self, method: str, path_pattern: str, n: int, fault: Fault) -> FaultPlan:
        """The `n`-th request (1-based) matching METHOD and the path glob gets `fault`, once."""
        if n < 1:
            raise ValueError("n counts from 1")
        with self._lock:
            self._rules.append(_Rule(method.upper(), path_pattern, fault, 1, skip=n - 1))
        return self

    def random(
        self,
        rate: float,
        kinds: Sequence[str] = ("429", "500", "502", "503", "drop_before", "drop_after"),
        seed: int = 0,
        *,
        retry_after: int = 1,
        delay: float = 0.2,
    ) -> FaultPlan:
        """Each request fails with probability `rate`, kind drawn from `kinds`; reproducible."""
        for kind in kinds:
            Fault(kind)  # validates the name
        with self._lock:
            self._random = _Random(rate, tuple(kinds), _random.Random(seed), retry_after, delay)
        return self

    def clear(self) -> None:
        """No more faults (the record of what was injected is kept); latency unchanged."""
        with self._lock:
            self._queue.clear()
            self._rules.clear()
            self._random = None

    def decide(self, method: str, path: str) -> Fault | None:
        """Called by the server for every request: the fault to inject, if any (recorded)."""
        with self._lock:
            fault = self._decide_locked(method, path)
            if fault is not None:
                self.injected.append(InjectedFault(time.monotonic(), method, path, fault))
            return fault

    def _decide_locked(self, method: str, path: str) -> Fault | None:
        if self._queue:
            return self._queue.pop(0)
        chosen: _Rule | None = None
        for rule in self._rules:
            if not rule.matches(method, path) or rule.remaining == 0:
                continue
            if rule.skip > 0:
                rule.skip -= 1  # every matching request counts, whichever rule takes it
            elif chosen is None:
                chosen = rule
        if chosen is not None:
            if chosen.remaining is not None:
                chosen.remaining -= 1
            return chosen.fault
        chance = self._random
        if chance is not None and chance.rng.random() < chance.rate:
            kind = chance.rng.choice(chance.kinds)
            with_retry_after = kind == "429" or (kind == "503" and chance.rng.random() < 0.5)
            return Fault(
                kind,
                retry_after=chance.retry_after if with_retry_after else None,
                delay=chance.delay,
            )
        return None
