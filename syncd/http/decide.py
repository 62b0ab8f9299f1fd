"""The retry rules, as one pure function of (request, outcome of an attempt, attempt number).

===========================  ==========================  ===============================
outcome                      repeatable (GET, PUT, ...)  not repeatable (POST, PATCH)
===========================  ==========================  ===============================
1xx, 2xx, 3xx                Return                      Return
429; 403 rate limit          Retry after server's wait   same (the server refused it)
503 with Retry-After         Retry after server's wait   same (the server refused it)
408                          Retry (backoff)             same (the server never read it)
500, 502, 503, 504, 5xx      Retry (backoff)             AmbiguousWriteError at once
501, 505                     PermanentError              PermanentError
401; 403 (no rate limit)     AuthError                   AuthError
other 4xx                    PermanentError              PermanentError
connect refused / timeout    Retry (backoff)             same (nothing was sent)
TLS failure                  PermanentError              PermanentError
read timeout, dropped        Retry (backoff)             AmbiguousWriteError at once
===========================  ==========================  ===============================

A retry becomes :class:`TransientError` (or :class:`RateLimitedError` when the server named a
wait) once ``max_attempts`` is reached, or when the server's wait exceeds ``max_inline_wait``.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from syncd.http.errors import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from syncd.http.policy import HttpPolicy
from syncd.http.server_wait import rate_limit_exhausted, server_wait

_AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504})
_NEVER_RETRIED_5XX = frozenset({501, 505})


class FailureKind(enum.Enum):
    """Why an attempt got no answer, and so whether the request can have reached the server."""

    CONNECT_FAILED = "connect_failed"  # refused, unreachable, name not resolved: nothing sent
    CONNECT_TIMEOUT = "connect_timeout"  # no connection within the timeout: nothing sent
    TLS = "tls"  # handshake or certificate failure: nothing sent, and retrying will not help
    READ_TIMEOUT = "read_timeout"  # sent, no (complete) answer in time: outcome unknown
    DROPPED = "dropped"  # sent, connection closed or reset before a full answer: outcome unknown

    @property
    def nothing_sent(self) -> bool:
        return self in {FailureKind.CONNECT_FAILED, FailureKind.CONNECT_TIMEOUT, FailureKind.TLS}


@dataclass(frozen=True)
class Answered:
    """The server answered. ``headers`` has lower-case names."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    """No answer. ``detail`` names the exception type, never its text (which may hold a URL)."""

    kind: FailureKind
    detail: str = ""
    status: int | None = None  # when the status line came but the body did not


Outcome = Answered | Failed


@dataclass(frozen=True)
class RequestInfo:
    """What the rules need to know about a request. ``url`` is redacted before it is shown."""

    service: str
    method: str
    url: str
    repeatable: bool
    max_attempts: int | None = None  # overrides the policy, e.g. 1 for a body that cannot be resent


@dataclass(frozen=True)
class Retry:
    after: float
    reason: str


@dataclass(frozen=True)
class Raise:
    error: HttpError


@dataclass(frozen=True)
class Return:
    pass


Decision = Retry | Raise | Return


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def is_rate_limit(status: int, headers: Mapping[str, str]) -> bool:
    """429, or GitHub's 403 that carries a Retry-After or an exhausted rate limit."""
    if status == 429:
        return True
    return status == 403 and ("retry-after" in headers or rate_limit_exhausted(headers))


def decide(
    request: RequestInfo,
    outcome: Outcome,
    attempt: int,
    *,
    policy: HttpPolicy,
    wall_now: float,
    rng: random.Random,
) -> Decision:
    """What to do after the ``attempt``-th attempt (1-based) of ``request`` ended in ``outcome``."""
    limit = request.max_attempts or policy.max_attempts
    if isinstance(outcome, Failed):
        return _after_failure(request, outcome, attempt, limit, policy, rng)
    status = outcome.status
    if status < 400:
        return Return()
    headers = outcome.headers
    wait = server_wait(status, headers, wall_now)
    if is_rate_limit(status, headers) or (status == 503 and wait is not None):
        return _after_refusal(request, status, wait, attempt, limit, policy, rng)
    if status == 408:
        return _retry_or_give_up(request, f"HTTP {status}", status, attempt, limit, policy, rng)
    if status in (401, 403):
        return Raise(_error(AuthError, request, f"HTTP {status}", status, attempt))
    if status >= 500 and status not in _NEVER_RETRIED_5XX:
        if not request.repeatable:
            reason = f"HTTP {status}, may have been applied"
            return Raise(_ambiguous(request, reason, status, attempt))
        return _retry_or_give_up(request, f"HTTP {status}", status, attempt, limit, policy, rng)
    return Raise(_error(PermanentError, request, f"HTTP {status}", status, attempt))


def error_for_status(
    request: RequestInfo, status: int, headers: Mapping[str, str], wall_now: float
) -> HttpError | None:
    """The error class a final answer maps to, for a connector holding a client library's error.

    None for a success. Uses the rules of :func:`decide` as if no further attempt were allowed.
    """
    final = RequestInfo(request.service, request.method, request.url, request.repeatable, 1)
    decision = decide(
        final,
        Answered(status, lower_headers(headers)),
        1,
        policy=HttpPolicy(max_inline_wait=0.0),
        wall_now=wall_now,
        rng=random.Random(0),
    )
    return decision.error if isinstance(decision, Raise) else None


def _after_refusal(
    request: RequestInfo,
    status: int,
    wait: float | None,
    attempt: int,
    limit: int,
    policy: HttpPolicy,
    rng: random.Random,
) -> Decision:
    # The server rejected the request before acting on it: safe to repeat, even a POST.
    after = wait if wait is not None else policy.backoff(attempt, rng)
    reason = f"HTTP {status}, asked to wait {after:.1f}s"
    if attempt >= limit or after > policy.max_inline_wait:
        return Raise(
            RateLimitedError(
                reason,
                service=request.service,
                method=request.method,
                url=request.url,
                retry_after=after,
                status=status,
                attempts=attempt,
            )
        )
    return Retry(after=after, reason=f"HTTP {status}")


def _after_failure(
    request: RequestInfo,
    outcome: Failed,
    attempt: int,
    limit: int,
    policy: HttpPolicy,
    rng: random.Random,
) -> Decision:
    reason = outcome.kind.value + (f" ({outcome.detail})" if outcome.detail else "")
    if outcome.kind is FailureKind.TLS:
        return Raise(_error(PermanentError, request, reason, None, attempt, outcome))
    if not outcome.kind.nothing_sent and not request.repeatable:
        unknown = f"{reason}, may have been applied"
        return Raise(_ambiguous(request, unknown, outcome.status, attempt, outcome))
    return _retry_or_give_up(
        request, reason, outcome.status, attempt, limit, policy, rng, failed=outcome
    )


def _retry_or_give_up(
    request: RequestInfo,
    reason: str,
    status: int | None,
    attempt: int,
    limit: int,
    policy: HttpPolicy,
    rng: random.Random,
    *,
    failed: Failed | None = None,
) -> Decision:
    if attempt >= limit:
        return Raise(_error(TransientError, request, reason, status, attempt, failed))
    return Retry(after=policy.backoff(attempt, rng), reason=reason)


def _error(
    cls: type[HttpError],
    request: RequestInfo,
    reason: str,
    status: int | None,
    attempt: int,
    failed: Failed | None = None,
) -> HttpError:
    return cls(
        reason,
        service=request.service,
        method=request.method,
        url=request.url,
        status=status,
        attempts=attempt,
        failure=failed.kind.value if failed is not None else None,
        cause=(failed.detail or None) if failed is not None else None,
    )


def _ambiguous(
    request: RequestInfo,
    reason: str,
    status: int | None,
    attempt: int,
    failed: Failed | None = None,
) -> AmbiguousWriteError:
    error = _error(AmbiguousWriteError, request, reason, status, attempt, failed)
    assert isinstance(error, AmbiguousWriteError)
    return error
