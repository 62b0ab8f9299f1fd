"""The HTTP policy for ``httpx`` clients (chat notifiers)::

    client = httpx.Client(transport=PolicyTransport(PolicyEngine(policy, service="slack")))

Timeouts and user agent come from the policy. As with the ``requests`` adapter, definitive answers
(2xx to 4xx) are returned, and transient, rate-limited and ambiguous outcomes raise the errors of
:mod:`syncd.http.errors`; :func:`raise_for_policy` turns a returned 4xx into ours.
"""

from __future__ import annotations

import time

import httpx

from syncd.http.decide import (
    Answered,
    Failed,
    FailureKind,
    Outcome,
    RequestInfo,
    error_for_status,
    lower_headers,
)
from syncd.http.engine import PolicyEngine
from syncd.output.redaction import redactor


class PolicyTransport(httpx.BaseTransport):
    """Sends through ``inner`` (default: an ``httpx.HTTPTransport`` without retries) under the
    policy of ``engine``."""

    def __init__(self, engine: PolicyEngine, inner: httpx.BaseTransport | None = None) -> None:
        self.engine = engine
        self._inner = inner or httpx.HTTPTransport(retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        policy = self.engine.policy
        request.headers["User-Agent"] = policy.user_agent
        # Whatever credential goes on the wire is masked wherever a server may echo it.
        redactor.register_headers(request.headers.multi_items())
        redactor.register_url(str(request.url))
        request.extensions["timeout"] = httpx.Timeout(
            policy.read_timeout, connect=policy.connect_timeout
        ).as_dict()
        repeatable = True
        try:
            request.read()  # buffer the body, so that a retry can send it again
        except httpx.StreamConsumed:
            repeatable = False

        def attempt() -> tuple[httpx.Response | None, Outcome]:
            try:
                response = self._inner.handle_request(request)
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError):
                raise  # our mistake, not the network's: retrying would not help
            except httpx.TransportError as exc:
                return None, Failed(_failure_kind(exc), type(exc).__name__)
            try:
                response.read()  # a connection dropped mid-body is the policy's to handle
            except httpx.TransportError as exc:
                response.close()
                return None, Failed(_failure_kind(exc), type(exc).__name__, response.status_code)
            return response, Answered(response.status_code, lower_headers(response.headers))

        return self.engine.run(
            method=request.method,
            url=str(request.url),
            attempt=attempt,
            discard=_close,
            max_attempts=None if repeatable else 1,
        )

    def close(self) -> None:
        self._inner.close()


def raise_for_policy(
    response: httpx.Response, service: str, *, wall_now: float | None = None
) -> None:
    """Raise :class:`AuthError` or :class:`PermanentError` for a 4xx answer; nothing otherwise."""
    request = response.request
    info = RequestInfo(service, request.method, str(request.url), repeatable=False)
    now = time.time() if wall_now is None else wall_now
    error = error_for_status(info, response.status_code, response.headers, wall_now=now)
    if error is not None:
        raise error


def _close(response: httpx.Response) -> None:
    response.close()


def _failure_kind(exc: httpx.TransportError) -> FailureKind:
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return FailureKind.CONNECT_TIMEOUT
    if isinstance(exc, httpx.ConnectError):
        # httpx reports certificate failures as ConnectError; retrying will not fix them.
        text = str(exc).upper()
        tls = "CERTIFICATE" in text or "SSL" in text
        return FailureKind.TLS if tls else FailureKind.CONNECT_FAILED
    if isinstance(exc, httpx.TimeoutException):
        return FailureKind.READ_TIMEOUT  # read or write timeout: the request may have arrived
    if isinstance(exc, httpx.ProxyError):
        return FailureKind.CONNECT_FAILED
    return FailureKind.DROPPED
