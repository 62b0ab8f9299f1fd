"""A budget of content-creating requests over sliding windows (GitHub: 80 a minute, 500 an hour).

GitHub's secondary rate limits count requests that create content per user, across every
repository: exceeding them earns a 403 with ``Retry-After`` and, repeated, a longer ban. The
policy's pacer spaces writes; this budget keeps the count within each window, waiting in-line for
a short gap and refusing, before anything is sent, when the wait would be long, so that a large
first mirror goes on in the next cycle instead of holding this one for most of an hour.

Budgets are shared per account (a key the caller chooses, e.g. API URL and a token fingerprint)
by every tracker of the process through :class:`BudgetRegistry`; they are forgotten on restart,
which at worst costs one refusal that the policy then waits out.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence

from syncd.http.clock import Clock

GITHUB_CREATION_WINDOWS: tuple[tuple[float, int], ...] = ((60.0, 80), (3600.0, 500))


class BudgetExhausted(Exception):
    """No creation is allowed for ``wait`` seconds, longer than the caller waits in-line."""

    def __init__(self, wait: float, window: float, limit: int) -> None:
        self.wait = wait
        self.window = window
        self.limit = limit
        super().__init__(
            f"at most {limit} content-creating requests per {window:g} s: "
            f"the next one is allowed in {wait:.0f} s"
        )


class CreationBudget:
    """At most ``limit`` requests in any ``window`` seconds, for every (window, limit) given.

    Thread-safe. :meth:`acquire` records the request when it returns.
    """

    def __init__(self, clock: Clock, windows: Sequence[tuple[float, int]]) -> None:
        if not windows or any(w <= 0 or n < 1 for w, n in windows):
            raise ValueError("each window needs a positive length and a limit of at least 1")
        self._clock = clock
        self._windows = tuple(windows)
        self._longest = max(w for w, _ in self._windows)
        self._sent: deque[float] = deque()  # monotonic times of the requests within the longest
        self._lock = threading.Lock()

    def wait_needed(self) -> float:
        """Seconds until the next request fits every window (0 when it fits now)."""
        with self._lock:
            return self._wait(self._clock.monotonic())[0]

    def acquire(self, *, max_wait: float, on_wait: Callable[[float], None] | None = None) -> float:
        """Wait for room (at most ``max_wait`` s, else :class:`BudgetExhausted`) and take it.

        ``on_wait`` hears of each wait, in seconds, before it begins. Returns the seconds waited.
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock.monotonic()
                wait, window, limit = self._wait(now)
                if wait <= 0:
                    self._sent.append(now)
                    return waited
                if waited + wait > max_wait:
                    raise BudgetExhausted(wait, window, limit)
            if on_wait is not None:
                on_wait(wait)
            self._clock.sleep(wait)
            waited += wait

    def _wait(self, now: float) -> tuple[float, float, int]:
        while self._sent and self._sent[0] <= now - self._longest:
            self._sent.popleft()
        longest = (0.0, 0.0, 0)
        for window, limit in self._windows:
            inside = [t for t in self._sent if t > now - window]
            if len(inside) >= limit:
                # Room comes when the oldest request that keeps the count at the limit ages out.
                wait = inside[len(inside) - limit] + window - now
                if wait > longest[0]:
                    longest = (wait, window, limit)
        return longest


class BudgetRegistry:
    """One :class:`CreationBudget` per key (an account), per clock, for the whole process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._budgets: dict[tuple[Hashable, ...], tuple[Clock, CreationBudget]] = {}

    def budget(
        self, key: Hashable, clock: Clock, windows: Sequence[tuple[float, int]]
    ) -> CreationBudget:
        # Keyed by the clock and the windows too: tests run many virtual clocks and scaled-down
        # limits in one process.
        slot = (key, id(clock), tuple(windows))
        with self._lock:
            found = self._budgets.get(slot)
            if found is None or found[0] is not clock:
                found = (clock, CreationBudget(clock, windows))
                self._budgets[slot] = found
            return found[1]


CREATION_BUDGETS = BudgetRegistry()
