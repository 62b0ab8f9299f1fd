"""``/healthz``, ``/readyz`` and ``/metrics`` over HTTP, served from a thread of their own; and
POST routes by path prefix (the webhooks), each handed the request's headers and body."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from syncd.output.logs import get_logger
from syncd.output.redaction import redactor
from syncd.service.readiness import Readiness

# A POST route: (path, headers with lower-case names, body) -> (status, content type, body).
PostRoute = Callable[[str, Mapping[str, str], bytes], tuple[int, str, bytes]]
MAX_POST_BYTES = 1024 * 1024  # webhook bodies are a few KiB; GitHub caps its own at 25 MiB
POST_READ_SECONDS = 5.0  # a sender trickling its body must not hold a thread for long


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
        posts: Mapping[str, PostRoute] | None = None,
    ) -> None:
        routes: dict[str, Callable[[], tuple[int, str, bytes]]] = {
            "/healthz": lambda: (200, "text/plain; charset=utf-8", b"ok\n"),
            "/readyz": lambda: _readyz(readiness()),
            "/metrics": lambda: (200, metrics_content_type, metrics()),
        }
        self._server = ThreadingHTTPServer((host, port), _handler(routes, dict(posts or {})))
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


def _handler(
    routes: dict[str, Callable[[], tuple[int, str, bytes]]],
    posts: dict[str, PostRoute],
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "syncd"
        sys_version = ""

        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
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
            path = self.path.split("?", 1)[0]
            prefix = next((p for p in posts if path.startswith(p)), None)
            if prefix is None:
                self._refuse(404, b"not found\n")
                return
            length = self.headers.get("Content-Length", "")
            if not length.isdigit():
                self._refuse(411, b"a Content-Length is required\n")
                return
            if int(length) > MAX_POST_BYTES:
                self._refuse(413, b"the body is too large\n")
                return
            self.connection.settimeout(POST_READ_SECONDS)
            try:
                body = self.rfile.read(int(length))
            except OSError:  # a timeout or a reset: nobody is left to answer
                self.close_connection = True
                return
            if len(body) < int(length):
                self._refuse(400, b"the body ended early\n")
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                status, content_type, answer = posts[prefix](path, headers, body)
            except Exception:  # a sender gets an answer, never a hang-up
                # The prefix only: a path may hold a secret token (/hooks/jira/<token>).
                get_logger().exception("http.post_failed", route=prefix)
                status, content_type, answer = 500, "text/plain; charset=utf-8", b"error\n"
            self._send(status, content_type, answer)

        def _refuse(self, status: int, body: bytes) -> None:
            self.close_connection = True  # the unread body must not be taken for a request
            self._send(status, "text/plain; charset=utf-8", body)

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            # /readyz names problems in words (a store error may quote a URL): masked like all.
            body = redactor.redact_bytes(body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            # Probes arrive every few seconds; logging each would drown the events that matter.
            return

    return Handler
