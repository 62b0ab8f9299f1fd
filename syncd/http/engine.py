"""Runs the policy around the attempts of one request, whatever the transport."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

from syncd.http.budget import AccountBudget, BudgetExhausted
from syncd.http.clock import Clock, SystemClock
from syncd.http.decide import (
    Answered,
    Failed,
    Outcome,
    Raise,
    RequestInfo,
    Retry,
    decide,
    is_rate_limit,
)
from syncd.http.errors import HttpError, PermanentError, RateLimitedError
from syncd.http.observe import (
    RequestObserver,
    RequestRecord,
    WaitObserver,
    WaitRecord,
    endpoint_of,
)
from syncd.http.pacing import Pacer, PacerRegistry
from syncd.http.policy import HttpPolicy
from syncd.http.server_wait import server_wait
from syncd.output.failure_streaks import FailureKey
from syncd.output.logs import get_logger, log_failure, log_recovery

R = TypeVar("R")

Attempt = Callable[[], tuple[R | None, Outcome]]


class PolicyEngine:
    """The one place that paces, retries and classifies the requests to one service.

    A transport adapter hands :meth:`run` a function that makes one attempt and reports its
    :data:`Outcome` (with the response, when there is one). The engine returns the response to
    the transport when the server gave a definitive answer, 2xx to 4xx, so the client library
    keeps its own handling of it (``jira`` parses per-field errors of a 400, ``PyGithub`` turns
    some 404s into False), and raises :class:`TransientError`, :class:`RateLimitedError` or
    :class:`AmbiguousWriteError` when the policy retried in vain, was told to wait too long, or
    cannot know what happened. Map a library's 4xx error with :func:`error_for_status`.
    """

    def __init__(
        self,
        policy: HttpPolicy,
        *,
        service: str,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        observer: RequestObserver | None = None,
        pacers: PacerRegistry | None = None,
        on_wait: WaitObserver | None = None,
        write_guard: Callable[[], None] | None = None,
        account: AccountBudget | None = None,
    ) -> None:
        self.policy = policy
        # Asked before every attempt of a write (after pacing, so after any wait): a writer
        # that lost its team raises there, and the request is never sent.
        self._write_guard = write_guard
        self.service = service
        self.clock: Clock = clock or SystemClock()
        self._rng = rng or random.Random()
        self._observer = observer
        self._on_wait = on_wait
        self._pacers = pacers or PacerRegistry(
            self.clock,
            min_interval=policy.min_interval,
            min_write_interval=policy.min_write_interval,
        )
        self._log: Any = get_logger(service=service)
        # The account's budget, shared with every process using the same credentials.
        self.account = account

    def run(
        self,
        *,
        method: str,
        url: str,
        attempt: Attempt[R],
        discard: Callable[[R], None],
        repeatable: bool | None = None,
        max_attempts: int | None = None,
    ) -> R:
        """Attempt the request until the policy returns its answer or raises; see the class."""
        verb = method.upper()
        parts = urlsplit(url)
        request = self._request_info(verb, url, parts.path, repeatable, max_attempts)
        endpoint = endpoint_of(url)
        pacer = self._pacers.for_host(self.service, parts.netloc)
        guard = self._write_guard if self.policy.is_write(verb, parts.path) else None
        number = 0
        while True:
            number += 1
            started = self.clock.monotonic()
            write = not request.repeatable or verb in {"PUT", "DELETE"}
            response, outcome = self._attempt(request, attempt, pacer, guard, write=write)
            wait = self._heed_server_wait(outcome, pacer, parts.hostname, endpoint)
            decision = decide(
                request,
                outcome,
                number,
                policy=self.policy,
                wall_now=self.clock.wall(),
                rng=self._rng,
            )
            self._observe(request, endpoint, outcome, started, number, isinstance(decision, Retry))
            if isinstance(decision, Retry):
                if response is not None:
                    discard(response)
                self._sleep_before_retry(decision, outcome, wait, verb, endpoint, number)
                continue
            if isinstance(decision, Raise):
                if isinstance(decision.error, PermanentError) and response is not None:
                    return response  # a definitive answer: the client library handles it
                if response is not None:
                    discard(response)
                self._give_up(decision.error, verb, endpoint, number)
            if response is None:  # pragma: no cover - a Return always follows an answer
                raise AssertionError("the policy returned without a response")
            log_recovery(
                self._log,
                _request_key(self.service, verb, endpoint),
                method=verb,
                endpoint=endpoint,
            )
            return response

    def _request_info(
        self, verb: str, url: str, path: str, repeatable: bool | None, max_attempts: int | None
    ) -> RequestInfo:
        return RequestInfo(
            service=self.service,
            method=verb,
            url=url,
            repeatable=self.policy.is_repeatable(verb, path) if repeatable is None else repeatable,
            max_attempts=max_attempts,
        )

    def _attempt(
        self,
        request: RequestInfo,
        attempt: Attempt[R],
        pacer: Pacer,
        guard: Callable[[], None] | None,
        *,
        write: bool,
    ) -> tuple[R | None, Outcome]:
        """One attempt, once the account's budget and the host's pacing allow it."""
        self._admit(request, pacer.held_for(), write=write)
        try:
            pacer.acquire(write=write)
            if guard is not None:
                guard()
            return attempt()
        finally:
            if self.account is not None:
                self.account.release(write=write)

    def _heed_server_wait(
        self, outcome: Outcome, pacer: Pacer, host: str | None, endpoint: str
    ) -> float | None:
        """The pause the server asked for, held on this host and the account; None: none."""
        wait = self._server_wait(outcome)
        if wait is not None and wait > 0:
            pacer.hold(wait)
            if self.account is not None:
                self.account.hold(wait, _limit_named(self.account, outcome))
            self._log.warning(
                "http.rate_limited", host=host, endpoint=endpoint, wait=round(wait, 3)
            )
        return wait

    def _sleep_before_retry(
        self,
        decision: Retry,
        outcome: Outcome,
        wait: float | None,
        verb: str,
        endpoint: str,
        number: int,
    ) -> None:
        self._log.info(
            "http.retry",
            method=verb,
            endpoint=endpoint,
            attempt=number,
            wait=round(decision.after, 3),
            reason=decision.reason,
        )
        self.announce_wait(
            decision.after, rate_limit=_throttled(outcome, wait), reason=decision.reason
        )
        self.clock.sleep(decision.after)

    def _give_up(self, error: HttpError, verb: str, endpoint: str, number: int) -> NoReturn:
        # Under ``syncd run`` the same request given up on every tick is news once.
        log_failure(
            self._log,
            _request_key(self.service, verb, endpoint),
            "http.giving_up",
            error=type(error).__name__,
            level="warning",
            method=verb,
            endpoint=endpoint,
            attempts=number,
            reason=error.reason,
        )
        if isinstance(error, RateLimitedError) and error.until is None:
            error.until = self.clock.wall() + error.retry_after
        raise error

    def _admit(self, request: RequestInfo, held_here: float, *, write: bool) -> None:
        """Wait for the account's budget, or refuse before sending when the wait is long.

        A pause the server asked for, or a limit of the account's, that lasts longer than the
        policy sits out in-line ends the request here, with nothing sent: the cycle stops
        and the next one resumes, rather than a thread sleeping for most of an hour.
        """
        limit = self.policy.max_inline_wait
        if held_here > limit:
            raise self._refused(request, held_here, f"{self.service}'s rate limit")
        if self.account is None:
            return
        try:
            waited = self.account.acquire(
                write=write,
                creates=write and request.method == "POST",
                max_wait=limit,
                on_wait=lambda seconds, why: self.announce_wait(
                    seconds, rate_limit=True, reason=why
                ),
            )
        except BudgetExhausted as exc:
            self._log.warning("http.budget_exhausted", limit=exc.limit, wait=round(exc.wait, 1))
            raise self._refused(request, exc.wait, exc.limit) from None
        if waited > 0:
            self._log.debug("http.budget_wait", waited=round(waited, 3))

    def _refused(self, request: RequestInfo, wait: float, limit: str) -> RateLimitedError:
        error = RateLimitedError(
            f"{limit}: the next request is allowed in {wait:.0f} s; nothing was sent",
            service=self.service,
            method=request.method,
            url=request.url,
            retry_after=wait,
            attempts=0,
            limit=limit,
        )
        error.until = self.clock.wall() + wait
        return error

    def announce_wait(self, seconds: float, *, rate_limit: bool, reason: str) -> None:
        """Tell the wait observer that nothing goes to this service for ``seconds``.

        Called by the engine before it sleeps, and by a connector before it sits out a limit
        of its own (GitHub's creation budget), so that a person watching knows why it is quiet.
        """
        if self._on_wait is None or seconds <= 0:
            return
        record = WaitRecord(
            service=self.service,
            seconds=seconds,
            until=self.clock.wall() + seconds,
            rate_limit=rate_limit,
            reason=reason,
        )
        try:
            self._on_wait(record)
        except Exception:  # a display must never cost a request
            self._log.exception("http.wait_observer_failed")

    def _server_wait(self, outcome: Outcome) -> float | None:
        if not isinstance(outcome, Answered):
            return None
        return server_wait(outcome.status, outcome.headers, self.clock.wall())

    def _observe(
        self,
        request: RequestInfo,
        endpoint: str,
        outcome: Outcome,
        started: float,
        number: int,
        retried: bool,
    ) -> None:
        if self._observer is None:
            return
        self._observer(
            RequestRecord(
                service=request.service,
                method=request.method,
                endpoint=endpoint,
                status=outcome.status,
                error=outcome.kind.value if isinstance(outcome, Failed) else None,
                elapsed=self.clock.monotonic() - started,
                attempt=number,
                retried=retried,
            )
        )


def _throttled(outcome: Outcome, server_wait: float | None) -> bool:
    """Whether a retry waits out a rate limit (or a wait the server named), not a backoff."""
    if server_wait is not None:
        return True
    return isinstance(outcome, Answered) and is_rate_limit(outcome.status, outcome.headers)


def _limit_named(account: AccountBudget, outcome: Outcome) -> str:
    """The limit a server's pause stands for, in words: Jira names it in ``RateLimit-Reason``."""
    service = account.limits.service
    if isinstance(outcome, Answered):
        reason = outcome.headers.get("ratelimit-reason", "").strip()
        if reason:
            return f"{service}'s rate limit ({reason[:60]})"
    return f"{service}'s rate limit"


def _request_key(service: str, method: str, endpoint: str) -> FailureKey:
    """A request that can fail on its own: one endpoint of one service."""
    return FailureKey("http", f"{service} {method} {endpoint}")
