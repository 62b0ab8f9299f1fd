"""The one HTTP policy every external call of syncd goes through.

Timeouts, user agent, retries with backoff and jitter that honour ``Retry-After``, pacing per host,
the budget of each tracker account (``syncd.http.budget``, kept in the state store so that every
process using the same credentials shares it), error classes a connector can act on, and
redaction of secrets. The decision rules are a pure
function (:func:`decide`); :class:`PolicyEngine` runs them around one transport's attempts; the
``requests`` adapter (used by the ``jira`` and ``PyGithub`` clients) and the ``httpx`` transport
are thin shells around the engine.
"""

from __future__ import annotations

from syncd.http.answers import MalformedAnswerError, ShapeCheck
from syncd.http.clock import Clock, SystemClock
from syncd.http.decide import (
    Answered,
    Decision,
    Failed,
    FailureKind,
    Outcome,
    Raise,
    RequestInfo,
    Retry,
    Return,
    decide,
    error_for_status,
)
from syncd.http.engine import PolicyEngine
from syncd.http.errors import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    TransientError,
    WrongServiceError,
)
from syncd.http.observe import (
    RequestObserver,
    RequestRecord,
    WaitObserver,
    WaitRecord,
    endpoint_of,
)
from syncd.http.pacing import Pacer, PacerRegistry
from syncd.http.policy import HttpPolicy
from syncd.http.redact import redact_headers, redact_url

__all__ = [
    "AmbiguousWriteError",
    "Answered",
    "AuthError",
    "Clock",
    "Decision",
    "Failed",
    "FailureKind",
    "HttpError",
    "HttpPolicy",
    "MalformedAnswerError",
    "NotFoundError",
    "Outcome",
    "Pacer",
    "PacerRegistry",
    "PermanentError",
    "PolicyEngine",
    "Raise",
    "RateLimitedError",
    "RequestInfo",
    "RequestObserver",
    "RequestRecord",
    "Retry",
    "Return",
    "ShapeCheck",
    "SystemClock",
    "TransientError",
    "WaitObserver",
    "WaitRecord",
    "WrongServiceError",
    "decide",
    "endpoint_of",
    "error_for_status",
    "redact_headers",
    "redact_url",
]
