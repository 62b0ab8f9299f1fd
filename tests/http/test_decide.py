"""The retry rules, row by row (see the table in syncd/http/decide.py)."""

from __future__ import annotations

import pickle
import random

import pytest

from syncd.http import (
    AmbiguousWriteError,
    Answered,
    AuthError,
    Failed,
    FailureKind,
    HttpError,
    HttpPolicy,
    Outcome,
    PermanentError,
    Raise,
    RateLimitedError,
    RequestInfo,
    Retry,
    Return,
    TransientError,
    decide,
    error_for_status,
)

POLICY = HttpPolicy(max_attempts=4, backoff_base=1.0, backoff_cap=8.0, max_inline_wait=60.0)
WALL = 1_750_000_000.0
URL = "https://example.atlassian.net/rest/api/3/issue"
READS = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]
WRITES = ["POST", "PATCH"]


def _decide(method: str, outcome: Outcome, attempt: int = 1, **policy: object) -> object:
    chosen = HttpPolicy(**{**POLICY.__dict__, **policy}) if policy else POLICY
    request = RequestInfo("jira", method, URL, chosen.is_repeatable(method, "/rest/api/3/issue"))
    return decide(request, outcome, attempt, policy=chosen, wall_now=WALL, rng=random.Random(7))


def _error(decision: object) -> HttpError:
    assert isinstance(decision, Raise), decision
    return decision.error


@pytest.mark.parametrize("method", READS + WRITES)
@pytest.mark.parametrize("status", [100, 200, 201, 204, 301, 304])
def test_answers_below_400_are_returned(method: str, status: int) -> None:
    assert _decide(method, Answered(status)) == Return()


@pytest.mark.parametrize("method", READS + WRITES)
@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (429, {}),
        (429, {"retry-after": "3"}),
        (403, {"retry-after": "3"}),
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(WALL) + 3)}),
        (503, {"retry-after": "3"}),
        (408, {}),
    ],
)
def test_refusals_are_retried_for_every_method(
    method: str, status: int, headers: dict[str, str]
) -> None:
    decision = _decide(method, Answered(status, headers))
    assert isinstance(decision, Retry)
    if headers:
        assert decision.after == pytest.approx(3.0)


@pytest.mark.parametrize("method", READS)
@pytest.mark.parametrize("status", [500, 502, 503, 504, 507, 522])
def test_server_errors_are_retried_when_repeatable(method: str, status: int) -> None:
    assert isinstance(_decide(method, Answered(status)), Retry)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_make_a_write_ambiguous_at_once(method: str, status: int) -> None:
    error = _error(_decide(method, Answered(status)))
    assert type(error) is AmbiguousWriteError
    assert (error.status, error.attempts) == (status, 1)


@pytest.mark.parametrize("method", READS + WRITES)
@pytest.mark.parametrize(
    ("status", "headers"),
    [(401, {}), (403, {}), (403, {"x-ratelimit-remaining": "12"})],
)
def test_auth_failures_stop_at_once(method: str, status: int, headers: dict[str, str]) -> None:
    error = _error(_decide(method, Answered(status, headers)))
    assert type(error) is AuthError
    assert error.status == status


@pytest.mark.parametrize("method", READS + WRITES)
@pytest.mark.parametrize("status", [400, 404, 405, 409, 410, 413, 422, 501, 505])
def test_other_client_errors_are_permanent(method: str, status: int) -> None:
    error = _error(_decide(method, Answered(status)))
    assert type(error) is PermanentError
    assert error.status == status


@pytest.mark.parametrize("method", READS + WRITES)
@pytest.mark.parametrize("kind", [FailureKind.CONNECT_FAILED, FailureKind.CONNECT_TIMEOUT])
def test_nothing_sent_is_retried_for_every_method(method: str, kind: FailureKind) -> None:
    assert isinstance(_decide(method, Failed(kind)), Retry)


@pytest.mark.parametrize("method", READS)
@pytest.mark.parametrize("kind", [FailureKind.READ_TIMEOUT, FailureKind.DROPPED])
def test_unknown_outcome_is_retried_when_repeatable(method: str, kind: FailureKind) -> None:
    assert isinstance(_decide(method, Failed(kind)), Retry)


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("kind", [FailureKind.READ_TIMEOUT, FailureKind.DROPPED])
def test_unknown_outcome_of_a_write_is_ambiguous(method: str, kind: FailureKind) -> None:
    error = _error(_decide(method, Failed(kind, "ReadTimeout")))
    assert type(error) is AmbiguousWriteError
    assert kind.value in error.reason


@pytest.mark.parametrize("method", READS + WRITES)
def test_tls_failure_is_permanent(method: str) -> None:
    assert type(_error(_decide(method, Failed(FailureKind.TLS)))) is PermanentError


@pytest.mark.parametrize(
    ("outcome", "error_type"),
    [
        (Answered(500), TransientError),
        (Answered(408), TransientError),
        (Failed(FailureKind.DROPPED), TransientError),
        (Failed(FailureKind.CONNECT_FAILED), TransientError),
        (Answered(429), RateLimitedError),
        (Answered(503, {"retry-after": "1"}), RateLimitedError),
    ],
)
def test_the_last_attempt_raises(outcome: Outcome, error_type: type[HttpError]) -> None:
    assert isinstance(_decide("GET", outcome, attempt=3), Retry)
    error = _error(_decide("GET", outcome, attempt=4))
    assert type(error) is error_type
    assert error.attempts == 4


@pytest.mark.parametrize(
    ("method", "outcome", "attempt"),
    [
        ("GET", Failed(FailureKind.CONNECT_FAILED, "ConnectionRefusedError"), 4),
        ("GET", Failed(FailureKind.TLS, "SSLCertVerificationError"), 1),
        ("POST", Failed(FailureKind.READ_TIMEOUT, "ReadTimeoutError"), 1),
    ],
)
def test_an_error_without_an_answer_says_why_no_answer_came(
    method: str, outcome: Failed, attempt: int
) -> None:
    error = _error(_decide(method, outcome, attempt=attempt))
    assert (error.failure, error.cause) == (outcome.kind.value, outcome.detail)
    assert error.status is None


@pytest.mark.parametrize("outcome", [Answered(404), Answered(500), Answered(401)])
def test_an_error_the_server_answered_has_no_network_failure(outcome: Answered) -> None:
    error = _error(_decide("GET", outcome, attempt=4))
    assert (error.failure, error.cause, error.status) == (None, None, outcome.status)


def test_the_network_failure_survives_pickling() -> None:
    error = _error(_decide("GET", Failed(FailureKind.CONNECT_FAILED, "gaierror"), attempt=4))
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.failure, copy.cause, str(copy)) == (
        TransientError,
        "connect_failed",
        "gaierror",
        str(error),
    )


def test_a_request_level_attempt_limit_wins() -> None:
    request = RequestInfo("jira", "PUT", URL, repeatable=True, max_attempts=1)
    decision = decide(request, Answered(503), 1, policy=POLICY, wall_now=WALL, rng=random.Random(1))
    assert type(_error(decision)) is TransientError


def test_a_wait_longer_than_the_policy_waits_inline_gives_up_with_the_wait() -> None:
    error = _error(_decide("GET", Answered(429, {"retry-after": "600"})))
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == pytest.approx(600.0)
    assert error.attempts == 1


def test_retry_after_as_http_date_is_honoured() -> None:
    decision = _decide("GET", Answered(429, {"retry-after": "Sun, 15 Jun 2025 15:07:00 GMT"}))
    # WALL is 2025-06-15T15:06:40Z: the date is 20 s ahead.
    assert isinstance(decision, Retry)
    assert decision.after == pytest.approx(20.0)


def test_the_longer_of_two_server_waits_is_honoured() -> None:
    headers = {
        "retry-after": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(int(WALL) + 30),
    }
    decision = _decide("GET", Answered(429, headers))
    assert isinstance(decision, Retry)
    assert decision.after == pytest.approx(30.0)


def test_a_read_only_post_is_retried_like_a_read() -> None:
    decision = _decide("POST", Answered(502), read_only_posts=(r"/rest/api/\d/issue$",))
    assert isinstance(decision, Retry)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (200, {}, None),
        (401, {}, AuthError),
        (403, {}, AuthError),
        (403, {"Retry-After": "60"}, RateLimitedError),
        (404, {}, PermanentError),
        (400, {}, PermanentError),
        (503, {}, AmbiguousWriteError),
    ],
)
def test_error_for_status_maps_a_library_error(
    status: int, headers: dict[str, str], expected: type[HttpError] | None
) -> None:
    request = RequestInfo("jira", "POST", URL, repeatable=False)
    error = error_for_status(request, status, headers, wall_now=WALL)
    assert (type(error) if error else None) is expected
