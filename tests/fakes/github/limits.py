"""GitHub's REST rate limits, as the fake enforces them.

Primary: a budget of requests per window on the fake's (injectable) clock, announced on every
answer in the `x-ratelimit-*` headers; a `304 Not Modified` costs nothing (GitHub's documented
rule), nor does `GET /rate_limit`. Exhausted → 403 (or 429) "API rate limit exceeded".

Secondary (GitHub publishes them, without headers announcing them): content-creating requests
per minute and per hour, writes closer together than a minimum interval, too many requests in
flight at once. Any of them → 403 with `retry-after` and the secondary-limit message, and a
penalty: everything until `retry-after` has passed is refused the same way. The durations are
scalable (`SecondaryLimits.scaled`) so tests and benchmarks run in seconds, and every hit is
recorded so a test can assert that a client never tripped one.
"""

from __future__ import annotations

import collections
import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

PRIMARY_MESSAGE = (
    "API rate limit exceeded for user ID {user_id}. If you reach out to GitHub Support for "
    "help, please include the request ID {request_id}."
)
PRIMARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    "#about-the-primary-rate-limit"
)
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
SECONDARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


@dataclass(frozen=True)
class PrimaryLimit:
    limit: int = 5000
    window: float = 3600.0  # seconds on the fake's clock until `x-ratelimit-reset`
    status: int = 403  # GitHub answers 403, sometimes 429


@dataclass(frozen=True)
class SecondaryLimits:
    """GitHub's published secondary limits; `None` switches one off."""

    content_per_minute: int | None = 80
    content_per_hour: int | None = 500
    min_write_interval: float | None = 1.0  # seconds between two writes
    max_concurrent: int | None = 100
    minute: float = 60.0  # the length of "a minute" (scaled in tests)
    hour: float = 3600.0
    retry_after: float = 60.0  # the penalty; sent as whole seconds, at least 1
    # Which requests create content. Every POST of the endpoints the fake serves creates
    # something (issue, comment, label, milestone); edits are writes but create nothing.
    content_methods: frozenset[str] = frozenset({"POST"})

    def scaled(self, factor: float) -> SecondaryLimits:
        """The same limits with time running `factor` times faster (counts unchanged)."""
        interval = self.min_write_interval
        return replace(
            self,
            minute=self.minute / factor,
            hour=self.hour / factor,
            min_write_interval=None if interval is None else interval / factor,
            retry_after=self.retry_after / factor,
        )

    @classmethod
    def off(cls) -> SecondaryLimits:
        return cls(None, None, None, None)

    @property
    def retry_after_header(self) -> int:
        return max(1, math.ceil(self.retry_after))


@dataclass(frozen=True)
class LimitHit:
    """One request refused by a rate limit."""

    at: float  # time.monotonic()
    method: str
    path: str
    kind: str  # "primary" | "secondary"
    reason: str  # primary: "exhausted"; secondary: see `RateLimiter.check_secondary`
    retry_after: int | None


@dataclass
class _Primary:
    used: int = 0
    reset: float = 0.0  # epoch seconds on the fake's clock; 0: no window open yet


@dataclass
class RateLimiter:
    """Thread-safe bookkeeping of both limits for one fake server (one token's budget)."""

    primary: PrimaryLimit = field(default_factory=PrimaryLimit)
    secondary: SecondaryLimits = field(default_factory=SecondaryLimits)
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    monotonic: Callable[[], float] = time.monotonic
    hits: list[LimitHit] = field(default_factory=list)
    _state: _Primary = field(default_factory=_Primary)
    _content: collections.deque[float] = field(default_factory=collections.deque)
    _last_write: float | None = None
    _blocked_until: float = 0.0
    _in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- primary ------------------------------------------------------------------------------

    def _roll_window(self) -> None:
        now = self.clock().timestamp()
        if now >= self._state.reset:
            self._state = _Primary(0, float(math.floor(now + self.primary.window)))

    def primary_exhausted(self, method: str, path: str) -> bool:
        with self._lock:
            self._roll_window()
            if self._state.used < self.primary.limit:
                return False
            self.hits.append(LimitHit(self.monotonic(), method, path, "primary", "exhausted", None))
            return True

    def charge(self) -> None:
        """Count one answered request against the primary budget."""
        with self._lock:
            self._roll_window()
            self._state.used = min(self._state.used + 1, self.primary.limit)

    def snapshot(self) -> tuple[int, int, int, int]:
        """(limit, remaining, used, reset epoch)."""
        with self._lock:
            self._roll_window()
            limit, used = self.primary.limit, self._state.used
            return limit, limit - used, used, int(self._state.reset)

    def headers(self) -> list[tuple[str, str]]:
        limit, remaining, used, reset = self.snapshot()
        return [
            ("x-ratelimit-limit", str(limit)),
            ("x-ratelimit-remaining", str(remaining)),
            ("x-ratelimit-reset", str(reset)),
            ("x-ratelimit-used", str(used)),
            ("x-ratelimit-resource", "core"),
        ]

    def set_remaining(self, remaining: int) -> None:
        """Tests: jump to a budget with `remaining` requests left in the current window."""
        with self._lock:
            self._roll_window()
            self._state.used = self.primary.limit - remaining

    # --- secondary ----------------------------------------------------------------------------

    def enter(self) -> int:
        """A request arrived; the number now in flight, itself included."""
        with self._lock:
            self._in_flight += 1
            return self._in_flight

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def check_secondary(self, method: str, path: str, in_flight: int) -> int | None:
        """None when the request may go on, else the `retry-after` to answer with.

        Reasons recorded: "penalty" (still inside a previous retry-after), "concurrency",
        "write_interval", "content_per_minute", "content_per_hour".
        """
        limits = self.secondary
        with self._lock:
            now = self.monotonic()
            reason = self._secondary_reason(method, now, in_flight)
            if reason is None:
                if method in WRITE_METHODS:
                    self._last_write = now
                if method in limits.content_methods:
                    self._content.append(now)
                return None
            if reason == "penalty":
                retry_after = max(1, math.ceil(self._blocked_until - now))
            else:
                retry_after = limits.retry_after_header
                self._blocked_until = now + retry_after
            self.hits.append(LimitHit(now, method, path, "secondary", reason, retry_after))
            return retry_after

    def _secondary_reason(self, method: str, now: float, in_flight: int) -> str | None:
        limits = self.secondary
        if now < self._blocked_until:
            return "penalty"
        if limits.max_concurrent is not None and in_flight > limits.max_concurrent:
            return "concurrency"
        if method in WRITE_METHODS and limits.min_write_interval is not None:
            last = self._last_write
            # A little slack: a client pacing exactly at the interval reaches us with a few
            # milliseconds of loopback jitter either way, and GitHub is not that precise.
            slack = min(0.01, limits.min_write_interval * 0.05)
            if last is not None and now - last < limits.min_write_interval - slack:
                return "write_interval"
        if method in limits.content_methods:
            while self._content and self._content[0] <= now - limits.hour:
                self._content.popleft()
            per_hour = limits.content_per_hour
            if per_hour is not None and len(self._content) >= per_hour:
                return "content_per_hour"
            per_minute = limits.content_per_minute
            if per_minute is not None:
                recent = sum(1 for t in self._content if t > now - limits.minute)
                if recent >= per_minute:
                    return "content_per_minute"
        return None

    def secondary_hits(self) -> list[LimitHit]:
        with self._lock:
            return [h for h in self.hits if h.kind == "secondary"]
