"""``/healthz``, ``/readyz`` and ``/metrics`` over HTTP, served from a thread of their own."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from syncd.output.redaction import redactor
from syncd.service.readiness import Readiness

# A request body this server reads at most (a sign-in form); a longer one is refused unread.
# A prefix route may allow more (``body_limits``: webhooks' bodies reach hundreds of KiB).
MAX_BODY_BYTES = 16 * 1024
# One deadline for reading a whole request, its headers and body: a sender trickling bytes
# (slowloris), or connecting and saying nothing, must not hold a thread for long.
REQUEST_READ_SECONDS = 10.0
ANSWER_WRITE_SECONDS = 30.0  # nor a client that never reads its answer


@dataclass(frozen=True, slots=True)
class WebRequest:
    """A request to a prefix route, as plain data."""

    method: str
    path: str  # without the query
    query: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes


@dataclass(frozen=True, slots=True)
class WebAnswer:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


PrefixRoute = Callable[[WebRequest], WebAnswer]


class ProbeServer:
    """Answers probes and scrapes; the callables are asked on every request."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        readiness: Callable[[], Readiness],
        metrics: Callable[[], bytes],
        metrics_content_type: str,
        prefix_routes: Mapping[str, PrefixRoute] | None = None,
        body_limits: Mapping[str, int] | None = None,
    ) -> None:
        routes: dict[str, Callable[[], tuple[int, str, bytes]]] = {
            "/healthz": lambda: (200, "text/plain; charset=utf-8", b"ok\n"),
            "/readyz": lambda: _readyz(readiness()),
            "/metrics": lambda: (200, metrics_content_type, metrics()),
        }
        self._server = ThreadingHTTPServer(
            (host, port), _handler(routes, prefix_routes or {}, body_limits or {})
        )
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="syncd-http", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _readyz(readiness: Readiness) -> tuple[int, str, bytes]:
    # Every check with its state, so that a person curling it sees what was checked too.
    body = {
        "ready": readiness.ready,
        "checks": dict(readiness.checks),
        "problems": readiness.problems,
    }
    status = 200 if readiness.ready else 503
    return status, "application/json", (json.dumps(body, sort_keys=True) + "\n").encode()


def _prefix_of(prefixes: Mapping[str, PrefixRoute], path: str) -> str | None:
    """The prefix ``path`` is, or is under (``/status`` takes ``/status/x``)."""
    return next((p for p in prefixes if path == p or path.startswith(p + "/")), None)


def _handler(
    routes: dict[str, Callable[[], tuple[int, str, bytes]]],
    prefixes: Mapping[str, PrefixRoute],
    body_limits: Mapping[str, int],
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "syncd"
        sys_version = ""

        def setup(self) -> None:
            super().setup()
            # Every read of the request counts against one deadline, not each read its own
            # timeout: http.server's reads would otherwise wait for ever (headers) or afresh
            # for each byte. Past it, http.server hangs up ("Request timed out").
            deadline = time.monotonic() + REQUEST_READ_SECONDS
            self.rfile = io.BufferedReader(_DeadlineReader(self.connection, deadline))

        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
            if route is None and self._prefixed():
                return
            if route is None:
                self._send(404, "text/plain; charset=utf-8", b"not found\n")
                return
            try:
                status, content_type, body = route()
            except Exception:  # a probe must answer, not hang up
                status, content_type, body = 500, "text/plain; charset=utf-8", b"error\n"
            self._send(status, content_type, body)

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_POST(self) -> None:
            if not self._prefixed():
                self._send(404, "text/plain; charset=utf-8", b"not found\n")

        def _prefixed(self) -> bool:
            """Answer from a prefix route, if one takes the path; False when none does."""
            path, _, query = self.path.partition("?")
            prefix = _prefix_of(prefixes, path)
            if prefix is None:
                return False
            body = self._body(body_limits.get(prefix, MAX_BODY_BYTES))
            if body is None:
                return True  # refused, or the sender is gone
            request = WebRequest(
                method=self.command,
                path=path,
                query=query,
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            route = prefixes[prefix]
            try:
                answer = route(request)
            except Exception:  # one bad request must not take the server down
                answer = WebAnswer(500, "text/plain; charset=utf-8", b"error\n")
            self._send(answer.status, answer.content_type, answer.body, answer.headers)
            return True

        def _body(self, limit: int) -> bytes | None:
            """The request's body, read with a timeout; None when refused (answered) or cut off."""
            length = self.headers.get("Content-Length") or "0"
            refusal = None
            if self.headers.get("Transfer-Encoding"):
                refusal = 411, b"send the body with a Content-Length\n"
            elif not length.isdigit():
                refusal = 400, b"bad Content-Length\n"
            elif int(length) > limit:
                refusal = 413, b"request too large\n"
            if refusal is not None:
                self.close_connection = True  # the body is left unread
                self._send(refusal[0], "text/plain; charset=utf-8", refusal[1])
                return None
            if length == "0":
                return b""
            try:
                body = self.rfile.read(int(length))
            except OSError:  # past the deadline, or a reset: nobody is left to answer
                body = b""
            if len(body) < int(length):
                self.close_connection = True
                return None
            return body

        def _send(
            self,
            status: int,
            content_type: str,
            body: bytes,
            headers: tuple[tuple[str, str], ...] = (),
        ) -> None:
            # /readyz names problems in words (a store error may quote a URL): masked like all.
            body = redactor.redact_bytes(body)
            self.connection.settimeout(ANSWER_WRITE_SECONDS)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            # Probes arrive every few seconds; logging each would drown the events that matter.
            return

    return Handler


class _DeadlineReader(io.RawIOBase):
    """A connection's reading side that fails with ``TimeoutError`` once ``deadline``
    (``time.monotonic()``) has passed, however the bytes arrive."""

    def __init__(self, connection: socket.socket, deadline: float) -> None:
        self._connection = connection
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not read within its deadline")
        self._connection.settimeout(left)
        return self._connection.recv_into(buffer)
