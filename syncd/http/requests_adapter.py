"""The HTTP policy for ``requests`` sessions, and so for the ``jira`` and ``PyGithub`` clients.

Mount it on every scheme of a session::

    adapter = PolicyAdapter(PolicyEngine(policy, service="jira"))
    session.mount("https://", adapter)
    session.mount("http://", adapter)

The adapter owns timeouts (the policy's connect and read timeouts replace whatever the caller
passed, so no client library can leave a request without one), the user agent, pacing and retries
(urllib3's own retries are off: ``max_retries=0``). Definitive answers, 2xx to 4xx, are returned to
the client library; :class:`~syncd.http.errors.TransientError`,
:class:`~syncd.http.errors.RateLimitedError` and :class:`~syncd.http.errors.AmbiguousWriteError`
are raised (see :class:`~syncd.http.engine.PolicyEngine`). None of them derives from a
``requests`` exception, so no library catches and retries them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import (
    ConnectTimeout,
    ProxyError,
    ReadTimeout,
    RequestException,
    SSLError,
    Timeout,
)
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
)

from syncd.http.decide import Answered, Failed, FailureKind, Outcome, lower_headers
from syncd.http.engine import PolicyEngine
from syncd.output.redaction import redactor


class PolicyAdapter(HTTPAdapter):
    """A ``requests`` transport adapter that sends through a :class:`PolicyEngine`."""

    def __init__(self, engine: PolicyEngine, *, pool_connections: int = 10, pool_maxsize: int = 10):
        super().__init__(
            pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=0
        )
        self.engine = engine

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        policy = self.engine.policy
        request.headers["User-Agent"] = policy.user_agent
        # Whatever credential goes on the wire is masked wherever a server may echo it.
        redactor.register_headers(request.headers)
        redactor.register_url(request.url or "")
        timeouts = (policy.connect_timeout, policy.read_timeout)
        rewind = _rewinder(request.body)
        sent = 0

        def attempt() -> tuple[requests.Response | None, Outcome]:
            nonlocal sent
            if sent and rewind is not None:
                rewind()
            sent += 1
            try:
                response = super(PolicyAdapter, self).send(
                    request,
                    stream=stream,
                    timeout=timeouts,
                    verify=verify,
                    cert=cert,
                    proxies=proxies,
                )
            except RequestException as exc:
                if not _is_transport_failure(exc):
                    raise
                return None, Failed(_failure_kind(exc), cause_name(exc))
            if not stream:
                # Read the body here, so that a connection dropped mid-body is seen (and retried)
                # by the policy; requests keeps the content for the caller.
                try:
                    _ = response.content
                except RequestException as exc:
                    response.close()
                    kind = FailureKind.READ_TIMEOUT if _is_timeout(exc) else FailureKind.DROPPED
                    return None, Failed(kind, cause_name(exc), response.status_code)
            return response, Answered(response.status_code, lower_headers(response.headers))

        return self.engine.run(
            method=request.method or "GET",
            url=request.url or "",
            attempt=attempt,
            discard=_close,
            max_attempts=None if rewind is not None else 1,
        )


def mount_policy(session: requests.Session, engine: PolicyEngine) -> PolicyAdapter:
    """Route every request of ``session`` through ``engine``; returns the adapter mounted."""
    adapter = PolicyAdapter(engine)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return adapter


def _close(response: requests.Response) -> None:
    response.close()


def _rewinder(body: object) -> Callable[[], None] | None:
    """How to send ``body`` again; None when it cannot be (a one-shot iterator)."""
    if body is None or isinstance(body, bytes | str):
        return lambda: None
    seek = getattr(body, "seek", None)
    tell = getattr(body, "tell", None)
    if callable(seek) and callable(tell):
        try:
            start = tell()
        except OSError:
            return None
        return lambda: seek(start)
    return None


def cause_name(exc: BaseException) -> str:
    """The type name of the innermost exception behind ``exc`` (``ConnectionRefusedError``,
    ``gaierror``, ``SSLCertVerificationError``): what a person needs to tell a refused
    connection from a name that does not resolve. Never the text, which may hold a URL."""
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        inner = _inner(current)
        if inner is None:
            break
        current = inner
    return type(current).__name__


def _inner(exc: BaseException) -> BaseException | None:
    # requests wraps urllib3's errors in args[0]; urllib3 keeps its own in ``reason`` and
    # chains the socket's with ``raise ... from``.
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    reason = getattr(exc, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    return exc.__cause__ or exc.__context__


def _is_transport_failure(exc: RequestException) -> bool:
    return isinstance(exc, requests.ConnectionError | Timeout)


def _is_timeout(exc: RequestException) -> bool:
    if isinstance(exc, Timeout):
        return True
    # Reading the body wraps urllib3's ReadTimeoutError in a plain requests ConnectionError.
    reason = exc.args[0] if exc.args else None
    return isinstance(reason, ReadTimeoutError)


def _failure_kind(exc: RequestException) -> FailureKind:
    if isinstance(exc, SSLError):
        return FailureKind.TLS
    if isinstance(exc, ConnectTimeout):
        return FailureKind.CONNECT_TIMEOUT
    if isinstance(exc, ReadTimeout | Timeout):
        return FailureKind.READ_TIMEOUT
    if isinstance(exc, ProxyError):
        return FailureKind.CONNECT_FAILED
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if isinstance(reason, NewConnectionError):
        return FailureKind.CONNECT_FAILED
    if isinstance(reason, ConnectTimeoutError):
        return FailureKind.CONNECT_TIMEOUT
    return FailureKind.DROPPED
