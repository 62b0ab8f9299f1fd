"""One budget per tracker account, shared by every process, team and replica that uses it.

GitHub counts its secondary limits per account, across every repository and every client: at
most 80 content-creating requests a minute and 500 an hour, writes one at a time and at least a
second apart. Jira Cloud answers a burst or a flood of writes with 429, ``Retry-After`` and
``RateLimit-Reason``. Keeping those in memory would let each ``syncd sync`` process, each team
of ``syncd run`` and each replica start afresh; so the budget's state lives in a
:class:`BudgetLedger`, which the state store implements (``syncd.store.budgets``): the times of
the recent content-creating requests, who holds the one write in flight, when the last write
ended, and any pause the server asked for.

The rules are pure (:func:`refusal`); the ledger applies them atomically; an
:class:`AccountBudget` is one connection's handle on its account, which the HTTP policy asks
before each attempt. A wait longer than the caller sits out in-line is refused before anything
is sent (:class:`BudgetExhausted`), so that a cycle ends and the next one resumes, instead of a
process holding a thread for most of an hour.

An account is named by the tracker's host and a hash of the credential, never the credential.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from syncd.http.clock import Clock

RATE_SCALE_ENV = "SYNCD_TEST_RATE_SCALE"

# Durations are stretched by this much: the clocks of two replicas, of syncd and of the
# server never agree to the millisecond, and a limit met exactly is a limit tripped now and then.
SAFETY_MARGIN = 0.03
SHORT_WINDOW = 60.0
# Beyond the timeouts, how long a write in flight may keep the others waiting (a stall of the
# writing process between its answer and saying so).
WRITE_LEASE_MARGIN = 5.0
# How often a writer that finds another write in flight looks again.
BUSY_POLL = 0.05


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``limit`` content-creating requests in any ``seconds``; ``name`` for people."""

    seconds: float
    limit: int
    name: str


@dataclass(frozen=True, slots=True)
class AccountLimits:
    """What an account may send. ``write_gap`` runs from the end of a write to the start of the
    next; ``write_lease`` is how long a write in flight keeps others waiting when its process
    dies without saying so."""

    service: str
    windows: tuple[Window, ...] = ()
    serial_writes: bool = False  # one write in flight at a time, across every process
    write_gap: float = 0.0
    write_lease: float = 40.0

    def leasing_writes_for(self, connect_timeout: float, read_timeout: float) -> AccountLimits:
        """A write in flight keeps the others waiting only as long as it could still be
        answered: the connection's timeouts plus a margin for the process itself."""
        lease = connect_timeout + read_timeout + WRITE_LEASE_MARGIN
        return dataclasses.replace(self, write_lease=lease)

    def scaled(self, factor: float) -> AccountLimits:
        """Time running ``factor`` times faster, counts unchanged (benchmarks and tests only)."""
        if factor <= 0:
            raise ValueError(f"a rate scale must be positive, not {factor}")
        return dataclasses.replace(
            self,
            windows=tuple(dataclasses.replace(w, seconds=w.seconds / factor) for w in self.windows),
            write_gap=self.write_gap / factor,
        )

    def with_margin(self, margin: float = SAFETY_MARGIN) -> AccountLimits:
        """Spans stretched by ``margin``; a window no longer than a minute keeps its span and
        loses that share of its count instead, so that waiting for it stays within the minute
        the policy sits out in-line."""
        stretch = 1.0 + margin
        safer = tuple(
            dataclasses.replace(w, seconds=w.seconds * stretch)
            if w.seconds > SHORT_WINDOW
            else dataclasses.replace(w, limit=max(1, w.limit - math.ceil(w.limit * margin)))
            for w in self.windows
        )
        return dataclasses.replace(self, windows=safer, write_gap=self.write_gap * stretch)

    @property
    def longest(self) -> float:
        return max((w.seconds for w in self.windows), default=0.0)

    @property
    def tracks_writes(self) -> bool:
        """Whether a write changes the budget (else only the server's pauses count)."""
        return self.serial_writes or self.write_gap > 0 or bool(self.windows)


GITHUB_LIMITS = AccountLimits(
    "GitHub",
    windows=(Window(60.0, 80, "per-minute"), Window(3600.0, 500, "hourly")),
    serial_writes=True,
    write_gap=1.0,
)
# Jira Cloud publishes no fixed count for API tokens (a burst limit per endpoint and method, and
# a per-issue limit on writes); what it asks for in a 429 is kept for the whole account.
JIRA_LIMITS = AccountLimits("Jira")


@dataclass(frozen=True, slots=True)
class BudgetState:
    """One account's budget as the ledger holds it; times are wall-clock epoch seconds."""

    creates: tuple[float, ...] = ()  # content-creating requests within the longest window
    last_write_end: float | None = None
    writer: str | None = None  # the holder of the write in flight
    writer_until: float = 0.0
    held_until: float = 0.0  # no request before this: the server asked
    hold_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Not now: ``wait`` seconds at least, because of ``limit`` (e.g. "GitHub's hourly limit")."""

    wait: float
    limit: str
    busy: bool = False  # another write is in flight: look again soon, it may end any moment
    quiet: bool = False  # a moment's spacing, not worth telling a person watching


def refusal(
    state: BudgetState,
    limits: AccountLimits,
    now: float,
    *,
    holder: str,
    write: bool,
    creates: bool,
) -> Refusal | None:
    """Why a request may not be sent at ``now`` (None: it may)."""
    if state.held_until > now:
        return Refusal(state.held_until - now, state.hold_reason or f"{limits.service}'s limit")
    if not write:
        return None
    busy = state.writer not in (None, holder) and state.writer_until > now
    if limits.serial_writes and busy:
        # Look again soon: once it ends, the gap after it says exactly when to come back.
        poll = min(BUSY_POLL, max(limits.write_gap, 0.005))
        wait = min(poll, state.writer_until - now)
        return Refusal(wait, "one write at a time", busy=True, quiet=True)
    ended = state.last_write_end
    if limits.write_gap > 0 and ended is not None and ended + limits.write_gap > now:
        gap = ended + limits.write_gap - now
        return Refusal(gap, f"{limits.service}'s second between writes", quiet=True)
    if not creates:
        return None
    worst: Refusal | None = None
    for window in limits.windows:
        inside = [t for t in state.creates if t > now - window.seconds]
        if len(inside) >= window.limit:
            # Room comes when the oldest request that keeps the count at the limit ages out.
            wait = inside[len(inside) - window.limit] + window.seconds - now
            if worst is None or wait > worst.wait:
                worst = Refusal(wait, f"{limits.service}'s {window.name} limit")
    return worst


def taken(
    state: BudgetState,
    limits: AccountLimits,
    now: float,
    *,
    holder: str,
    write: bool,
    creates: bool,
) -> BudgetState:
    """The state once a request that :func:`refusal` allowed is on its way."""
    if not write or not limits.tracks_writes:
        return state
    recent = tuple(t for t in state.creates if t > now - limits.longest)
    return dataclasses.replace(
        state,
        creates=recent + ((now,) if creates and limits.windows else ()),
        writer=holder,
        writer_until=now + limits.write_lease,
    )


def write_ended(state: BudgetState, now: float, *, holder: str) -> BudgetState:
    if state.writer != holder:
        return state  # taken over meanwhile (our lease ran out): the gap counts from theirs
    return dataclasses.replace(state, last_write_end=now, writer=None, writer_until=0.0)


def held(state: BudgetState, until: float, reason: str) -> BudgetState:
    if until <= state.held_until:
        return state
    return dataclasses.replace(state, held_until=until, hold_reason=reason)


def writer_is_gone(state: BudgetState) -> bool:
    """Whether the write in flight belongs to a process of this machine that no longer runs
    (killed mid-write): its slot need not be waited out."""
    if state.writer is None:
        return False
    host, _, rest = state.writer.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


class BudgetLedger(Protocol):
    """Where the budgets live; each method is atomic across every process using the ledger."""

    def take(
        self,
        account: str,
        limits: AccountLimits,
        now: float,
        *,
        holder: str,
        write: bool,
        creates: bool,
    ) -> Refusal | None:
        """Record the request and return None when it may be sent now, else why not."""
        ...

    def end_write(self, account: str, now: float, *, holder: str) -> None: ...

    def hold(self, account: str, until: float, reason: str) -> None: ...

    def state(self, account: str) -> BudgetState: ...


class MemoryLedger:
    """A ledger for one process (dry runs, tests): the same rules, forgotten on exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._states: dict[str, BudgetState] = {}

    def take(
        self,
        account: str,
        limits: AccountLimits,
        now: float,
        *,
        holder: str,
        write: bool,
        creates: bool,
    ) -> Refusal | None:
        with self._lock:
            state = self._states.get(account, BudgetState())
            if writer_is_gone(state):
                state = dataclasses.replace(state, writer=None, writer_until=0.0)
            refused = refusal(state, limits, now, holder=holder, write=write, creates=creates)
            if refused is None:
                self._states[account] = taken(
                    state, limits, now, holder=holder, write=write, creates=creates
                )
            return refused

    def end_write(self, account: str, now: float, *, holder: str) -> None:
        with self._lock:
            state = self._states.get(account, BudgetState())
            self._states[account] = write_ended(state, now, holder=holder)

    def hold(self, account: str, until: float, reason: str) -> None:
        with self._lock:
            state = self._states.get(account, BudgetState())
            self._states[account] = held(state, until, reason)

    def state(self, account: str) -> BudgetState:
        with self._lock:
            return self._states.get(account, BudgetState())


class BudgetExhausted(Exception):
    """No room for ``wait`` seconds, longer than the caller waits in-line."""

    def __init__(self, wait: float, limit: str, until: float) -> None:
        self.wait = wait
        self.limit = limit
        self.until = until  # wall-clock epoch seconds
        super().__init__(f"{limit}: the next request is allowed in {wait:.0f} s")


def account_key(service: str, base_url: str, credential: str) -> str:
    """The account a credential acts as, at a host: never the credential itself."""
    digest = hashlib.sha256(credential.encode()).hexdigest()[:24]
    return f"{service}:{base_url.rstrip('/').lower()}:{digest}"


def new_holder() -> str:
    """This connection's name in the ledger: host and process first (see ``writer_is_gone``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@dataclass
class AccountBudget:
    """One connection's handle on its account's budget, which the HTTP policy asks and tells."""

    ledger: BudgetLedger
    account: str
    limits: AccountLimits
    clock: Clock
    holder: str = field(default_factory=new_holder)

    def acquire(
        self,
        *,
        write: bool,
        creates: bool,
        max_wait: float,
        on_wait: Callable[[float, str], None] | None = None,
    ) -> float:
        """Wait for room (at most ``max_wait`` s in all, else :class:`BudgetExhausted`, before
        anything is recorded) and take it. ``on_wait`` hears of each wait and its limit."""
        waited = 0.0
        while True:
            now = self.clock.wall()
            refused = self.ledger.take(
                self.account, self.limits, now, holder=self.holder, write=write, creates=creates
            )
            if refused is None:
                return waited
            if waited + refused.wait > max_wait and not refused.busy:
                raise BudgetExhausted(refused.wait, refused.limit, now + refused.wait)
            if waited > max_wait:
                raise BudgetExhausted(refused.wait, refused.limit, now + refused.wait)
            if on_wait is not None and not refused.quiet:
                on_wait(refused.wait, refused.limit)
            self.clock.sleep(refused.wait)
            waited += refused.wait

    def release(self, *, write: bool) -> None:
        """The attempt is over (answered or not): the write gap counts from now."""
        if write and self.limits.tracks_writes:
            self.ledger.end_write(self.account, self.clock.wall(), holder=self.holder)

    def hold(self, seconds: float, reason: str) -> None:
        """The server asked every client of this account to wait ``seconds``."""
        if seconds > 0:
            self.ledger.hold(self.account, self.clock.wall() + seconds, reason)


def rate_scale(env: Mapping[str, str]) -> float:
    """The factor by which benchmarks and tests speed up the published limits (1: real)."""
    text = env.get(RATE_SCALE_ENV, "").strip()
    if not text:
        return 1.0
    try:
        factor = float(text)
    except ValueError:
        raise ValueError(f"{RATE_SCALE_ENV}={text!r} is not a number") from None
    if not factor > 0:
        raise ValueError(f"{RATE_SCALE_ENV}={text!r} must be greater than 0")
    return factor


def limits_for(limits: AccountLimits, scale: float = 1.0) -> AccountLimits:
    """The limits syncd keeps: the published ones, sped up for tests, with the safety margin."""
    safer = limits.with_margin()  # on the published spans, before any speed-up
    return safer.scaled(scale) if scale != 1.0 else safer
