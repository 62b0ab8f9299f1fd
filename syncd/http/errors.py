"""The failures a connector can act on, each carrying only redacted information.

- :class:`TransientError`: retried by the policy and still failing (429, 5xx, timeouts, resets).
  Try again in a later cycle.
- :class:`RateLimitedError`: the server asked us to come back after ``retry_after`` seconds, longer
  than the policy waits in-line (or the attempts ran out). Move on; try after that time.
- :class:`PermanentError`: a 4xx the server will answer the same way again. Record and move on.
- :class:`AuthError`: 401, or 403 that is not a rate limit. Stop this connector and report.
- :class:`NotFoundError`: what was asked for does not exist, or the credentials may not see it
  (404, 410). ``reason`` says what, in words, when the connector knows (a repository, an issue).
- :class:`WrongServiceError`: something answered at the configured URL, but not the service
  (a wrong base URL, a web server's or proxy's own page). ``reason`` says so, in words.
- :class:`AmbiguousWriteError`: a non-idempotent request (POST, PATCH) whose outcome is unknown:
  it timed out, the connection dropped after it was sent, or the server answered 500/502/503/504
  and may have applied it. Never retried here: the caller must look (e.g. search for the marker)
  before trying again.
"""

from __future__ import annotations

from syncd.http.redact import redact_url


class HttpError(Exception):
    """Base class. ``url`` is always redacted; ``status`` is None when there was no answer.

    ``failure`` is set when no (complete) answer came — the network failed, not the server:
    the kind (``connect_failed``, ``connect_timeout``, ``tls``, ``read_timeout``, ``dropped``)
    and ``cause``, the name of the innermost exception type (``ConnectionRefusedError``,
    ``gaierror``), never its text, which may hold a URL.
    """

    def __init__(
        self,
        reason: str,
        *,
        service: str,
        method: str,
        url: str,
        status: int | None = None,
        attempts: int = 1,
        failure: str | None = None,
        cause: str | None = None,
    ) -> None:
        self.reason = reason
        self.service = service
        self.method = method.upper()
        self.url = redact_url(url)
        self.status = status
        self.attempts = attempts
        self.failure = failure
        self.cause = cause
        super().__init__(self._message())

    def _message(self) -> str:
        tries = "1 attempt" if self.attempts == 1 else f"{self.attempts} attempts"
        return f"{self.service}: {self.method} {self.url} failed after {tries}: {self.reason}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructor: teach pickle (multiprocessing, logging handlers) to rebuild it.
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[HttpError], state: dict[str, object]) -> HttpError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._message())
    return error


class TransientError(HttpError):
    """Worth trying again later: the policy already retried as far as it would."""


class RateLimitedError(TransientError):
    """The server asked for a pause of ``retry_after`` seconds (from when the error was raised)."""

    def __init__(
        self,
        reason: str,
        *,
        service: str,
        method: str,
        url: str,
        retry_after: float,
        status: int | None = None,
        attempts: int = 1,
        limit: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        # Which limit, in words ("GitHub's hourly limit"), when syncd's own budget refused it.
        self.limit = limit
        # When the wait ends, in wall-clock epoch seconds on the policy's clock (set by it).
        self.until: float | None = None
        super().__init__(
            reason, service=service, method=method, url=url, status=status, attempts=attempts
        )


class PermanentError(HttpError):
    """The server refused the request for a reason that repeating will not change."""


class AuthError(PermanentError):
    """Credentials missing, wrong or without permission: stop the connector and report."""


class NotFoundError(PermanentError):
    """The server says what was asked for does not exist; it may exist where the credentials
    cannot see it (GitHub and Jira answer 404 rather than 403 for what an account may not see).

    ``reason`` is written for a person: what was not found, where, and the likely cause.
    """


class WrongServiceError(PermanentError):
    """The configured URL answered, but not as the service does: a wrong base URL, a context
    path left out, a web server's or proxy's own page. ``reason`` is written for a person."""


class AmbiguousWriteError(HttpError):
    """A write whose outcome is unknown: check whether it happened before sending it again."""
