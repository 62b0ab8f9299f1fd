"""Tracker failures in words, one class of failure at a time: "could not be reached" only when
no answer came."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from syncd.cycle.tracker_errors import describe, tracker_failure
from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    TransientError,
    WrongServiceError,
)
from syncd.http.requests_adapter import cause_name

URL = "https://jira.example.com/rest/api/2/search?jql=secret"
WHERE = "POST https://jira.example.com/rest/api/2/search"


def _error(cls: type[HttpError], reason: str, **extra: object) -> HttpError:
    return cls(reason, service="jira", method="POST", url=URL, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("failure", "cause", "words"),
    [
        (
            "connect_failed",
            "ConnectionRefusedError",
            "jira.example.com refused the connection (is anything listening there?)",
        ),
        ("connect_failed", "gaierror", "the host name of jira.example.com did not resolve"),
        (
            "connect_failed",
            "NameResolutionError",
            "the host name of jira.example.com did not resolve",
        ),
        ("connect_failed", "OSError", "no connection could be made to jira.example.com"),
        ("connect_timeout", None, "jira.example.com did not accept a connection in time"),
        ("dropped", "ConnectionResetError", "jira.example.com reset the connection"),
        ("dropped", None, "jira.example.com closed the connection before a full answer"),
        ("read_timeout", "ReadTimeoutError", "jira.example.com did not answer in time"),
        (
            "tls",
            "SSLCertVerificationError",
            "jira.example.com's TLS certificate was not accepted",
        ),
        ("tls", "SSLError", "the TLS handshake with jira.example.com failed"),
    ],
)
def test_only_network_failures_could_not_be_reached(
    failure: str, cause: str | None, words: str
) -> None:
    cls = PermanentError if failure == "tls" else TransientError
    error = _error(cls, failure, attempts=4, failure=failure, cause=cause)
    assert tracker_failure(error) == (
        f"the tracker could not be reached: {words} ({WHERE}, 4 attempts)"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            _error(AuthError, "HTTP 401: Client must be authenticated", status=401),
            "the tracker refused syncd's credentials or permissions: HTTP 401: Client must be "
            f"authenticated ({WHERE})",
        ),
        (
            _error(NotFoundError, "Jira has no project NOPE at x", status=404),
            f"Jira has no project NOPE at x ({WHERE} answered HTTP 404)",
        ),
        (
            _error(WrongServiceError, "x answered, but it is not a GitHub API: y", status=404),
            f"x answered, but it is not a GitHub API: y ({WHERE} answered HTTP 404)",
        ),
        (
            _error(PermanentError, "HTTP 405", status=405),
            "jira.example.com does not allow POST /rest/api/2/search (HTTP 405 Method Not "
            "Allowed): the server, or a proxy in front of it, refuses this method on this "
            "endpoint",
        ),
        (
            _error(RateLimitedError, "HTTP 429, asked to wait 600.0s", retry_after=600.0),
            "the tracker asked syncd to wait 600s: HTTP 429, asked to wait 600.0s "
            f"({WHERE}); syncd tries again on a later cycle",
        ),
        (
            _error(TransientError, "HTTP 503", status=503, attempts=4),
            f"the tracker kept failing: HTTP 503 ({WHERE}, 4 attempts); syncd tries again on "
            "the next cycle",
        ),
        (
            _error(AmbiguousWriteError, "HTTP 502, may have been applied", status=502),
            f"the tracker failed during a write: HTTP 502, may have been applied ({WHERE}); "
            "syncd looks for what was written before writing again",
        ),
        (
            _error(PermanentError, "HTTP 400: The value 'x' does not exist", status=400),
            f"the tracker refused a request: HTTP 400: The value 'x' does not exist ({WHERE})",
        ),
    ],
)
def test_answers_are_said_for_what_they_are(error: HttpError, expected: str) -> None:
    assert tracker_failure(error) == expected
    assert "could not be reached" not in tracker_failure(error)


def test_the_query_never_shows() -> None:
    error = _error(TransientError, "HTTP 503", status=503)
    assert "secret" not in describe(error) and "secret" not in tracker_failure(error)


def test_the_cause_is_the_innermost_exception_type() -> None:
    gai = socket.gaierror(-2, "Name or service not known")
    resolution = NameResolutionError("jira.example.com", None, gai)  # type: ignore[arg-type]
    resolution.__cause__ = gai
    wrapped = requests.ConnectionError(MaxRetryError(None, "/x", resolution))  # type: ignore[arg-type]
    assert cause_name(wrapped) == "gaierror"

    refused = ConnectionRefusedError(111, "Connection refused")
    connect = NewConnectionError(None, "Failed to establish a new connection")  # type: ignore[arg-type]
    connect.__cause__ = refused
    assert cause_name(requests.ConnectionError(MaxRetryError(None, "/x", connect))) == (  # type: ignore[arg-type]
        "ConnectionRefusedError"
    )
    certificate = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert cause_name(requests.exceptions.SSLError(certificate)) == "SSLCertVerificationError"
    assert cause_name(requests.ReadTimeout()) == "ReadTimeout"
