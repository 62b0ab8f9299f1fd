"""The one HTTP policy every external call goes through, as a connector uses it.

:class:`PolicyEngine` runs an :class:`HttpPolicy` (timeouts, retries honouring ``Retry-After``,
pacing) around a connector's transport; the error classes say what a failure means
(:class:`AmbiguousWriteError`: the write may or may not have happened). A :data:`ShapeCheck`
validates an answer's shape, so garbage is a :class:`MalformedAnswerError`, not a ``KeyError``.
Trackers share their account's budget (:class:`AccountBudget`) across processes. A connector on
``httpx`` sends through a :class:`PolicyTransport` and turns a 4xx answer into an error with
:func:`raise_for_policy`; a ``requests`` client (jira, PyGithub) mounts a :class:`PolicyAdapter`.
"""

from __future__ import annotations

from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    Clock,
    HttpError,
    HttpPolicy,
    MalformedAnswerError,
    NotFoundError,
    PermanentError,
    PolicyEngine,
    RateLimitedError,
    RequestInfo,
    RequestObserver,
    RequestRecord,
    ShapeCheck,
    SystemClock,
    TransientError,
    WaitObserver,
    WrongServiceError,
    error_for_status,
    redact_url,
)
from syncd.http.answers import mask_secrets, parse_json
from syncd.http.budget import (
    GITHUB_LIMITS,
    JIRA_LIMITS,
    AccountBudget,
    AccountLimits,
    MemoryLedger,
    account_key,
    limits_for,
)
from syncd.http.httpx_transport import PolicyTransport, raise_for_policy
from syncd.http.requests_adapter import PolicyAdapter, mount_policy

__all__ = [
    "GITHUB_LIMITS",
    "JIRA_LIMITS",
    "AccountBudget",
    "AccountLimits",
    "AmbiguousWriteError",
    "AuthError",
    "Clock",
    "HttpError",
    "HttpPolicy",
    "MalformedAnswerError",
    "MemoryLedger",
    "NotFoundError",
    "PermanentError",
    "PolicyAdapter",
    "PolicyEngine",
    "PolicyTransport",
    "RateLimitedError",
    "RequestInfo",
    "RequestObserver",
    "RequestRecord",
    "ShapeCheck",
    "SystemClock",
    "TransientError",
    "WaitObserver",
    "WrongServiceError",
    "account_key",
    "error_for_status",
    "limits_for",
    "mask_secrets",
    "mount_policy",
    "parse_json",
    "raise_for_policy",
    "redact_url",
]
