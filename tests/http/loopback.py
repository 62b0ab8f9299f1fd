"""A scripted HTTP server on 127.0.0.1 that records what it receives, at what (virtual) time."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"


@dataclass(frozen=True)
class Drop:
    """Read the request, then close the connection without answering."""


@dataclass(frozen=True)
class Hang:
    """Read the request, then answer nothing until the server stops."""


Step = Reply | Drop | Hang


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class Loopback:
    """Answers each request with the next step of ``script``, then with ``otherwise``."""

    def __init__(self, script: list[Step], otherwise: Step, now: Callable[[], float]) -> None:
        self._script = list(script)
        self._otherwise = otherwise
        self._now = now
        self._lock = threading.Lock()
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self.url = ""

    def next_step(self, received: Received) -> Step:
        with self._lock:
            self.received.append(received)
            return self._script.pop(0) if self._script else self._otherwise

    def count(self, method: str | None = None) -> int:
        return sum(1 for r in self.received if method is None or r.method == method)


def _handler(loopback: Loopback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            received = Received(
                self.command, self.path, dict(self.headers.items()), body, loopback._now()
            )
            step = loopback.next_step(received)
            if isinstance(step, Drop):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(step, Hang):
                loopback.stopping.wait(timeout=10)
                self.close_connection = True
                return
            self.send_response(step.status)
            for name, value in step.headers.items():
                self.send_header(name, value)
            if not any(name.lower() == "content-type" for name in step.headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(step.body)))
            self.end_headers()
            self.wfile.write(step.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    return Handler


@contextmanager
def serve(
    script: list[Step] | None = None,
    *,
    otherwise: Step | None = None,
    now: Callable[[], float] = lambda: 0.0,
) -> Iterator[Loopback]:
    loopback = Loopback(script or [], otherwise or Reply(), now)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(loopback))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    loopback.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield loopback
    finally:
        loopback.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def unused_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
