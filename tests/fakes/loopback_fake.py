"""What every fake server shares: a threaded HTTP server on loopback and its request log."""

from __future__ import annotations

import collections
import datetime
import email.utils
import json
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.fakes.faults import Fault
from tests.fakes.garbage import Garbage, garbage_answer
from tests.fakes.routing import Reply


class IncompleteRequestError(Exception):
    """The connection closed before the request's body had arrived."""


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the SIGKILL tests) resets its connection: expected.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackFake(ABC):
    """Start and stop the server, log every request, and let handlers wait interruptibly."""

    thread_name = "fake-server"
    OTHER_CONNECTION_GRACE = 0.5  # seconds; see requests_before_retry_after

    def __init__(self) -> None:
        self._log: list[Any] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._holds: list[tuple[float, float, str]] = []
        # Echo mode: every error answer quotes the request's URL and every header, credentials
        # included, as a careless server or proxy does; what syncd prints must still mask them.
        self.echo_requests = False
        # Request arrival and Retry-After holds; a test on virtual time swaps in its clock.
        self.monotonic: Callable[[], float] = time.monotonic

    @abstractmethod
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class bound to this fake."""

    def start(self) -> Self:
        server = QuietServer(("127.0.0.1", 0), self._handler())
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.02,), name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root_url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[Any]:
        with self._log_lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._log_lock:
            self._log.clear()

    def endpoint_counts(self) -> collections.Counter[str]:
        """Requests by endpoint ("POST /rest/api/3/issue/bulk"), for benchmark printouts."""
        return collections.Counter(r.endpoint or f"{r.method} {r.path}" for r in self.requests)

    def record(self, entry: Any) -> None:
        with self._log_lock:
            self._log.append(entry)

    def note_retry_after(self, headers: Any, connection: str) -> None:
        """Called just before an answer is written: a Retry-After in it starts a hold now.

        Starting it before the write means a request on the same connection can never precede
        it; requests on other connections get `OTHER_CONNECTION_GRACE`.
        """
        retry_after = next((v for k, v in headers if k.lower() == "retry-after"), None)
        if retry_after is None or not str(retry_after).strip().isdigit():
            return
        sent = self.monotonic()
        with self._log_lock:
            self._holds.append((sent, sent + int(retry_after), connection))

    def requests_before_retry_after(self) -> list[Any]:
        """Requests that arrived while a Retry-After the fake had sent was still running.

        On the connection that carried the Retry-After, any later request is early: HTTP/1.1
        without pipelining sends it only after the answer was read. On another connection a
        request can have passed the client's gate before the answer arrived, and be in flight
        while the client reads it, so it counts as early only once `OTHER_CONNECTION_GRACE`
        has passed: a client that shares a hold across threads has published it by then.
        """
        with self._log_lock:
            holds = list(self._holds)
        grace = self.OTHER_CONNECTION_GRACE
        return [
            r
            for r in self.requests
            if any(
                sent < r.at < until and (r.connection == connection or r.at > sent + grace)
                for sent, until, connection in holds
            )
        ]

    def wait(self, seconds: float) -> None:
        """Server-side delay (latency, slow answers) that ends early when the server stops."""
        if seconds > 0:
            self._stopping.wait(seconds)


class FakeHandler(BaseHTTPRequestHandler):
    """Every method goes to ``_handle``; the Date header follows the fake's own clock."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the real services (and for speed)
    disable_nagle_algorithm = True  # else small answers wait ~40 ms for a delayed ACK

    # Each fake's handler class defines these: its clock, and how it answers a request.
    fake_now: Callable[[], datetime.datetime]
    _handle: Callable[[], None]

    def connection_label(self) -> str:
        """`host:port` of the client end: one label per keep-alive connection."""
        host, port = self.client_address[:2]
        return f"{host}:{port}"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request log is `fake.requests`."""

    def echo(self) -> str:
        """The request as an echoing server quotes it: method, whole URL, every header."""
        host, port = self.server.server_address[:2]
        headers = json.dumps(dict(self.headers.items()))
        return f"{self.command} http://{host!s}:{port}{self.path} with headers {headers}"

    def echoed(self, status: int, body: Any, echo: bool) -> Any:
        """``body`` with the request quoted in it when ``echo`` is on and this is an error."""
        if not echo or status < 400:
            return body
        quoted = "the request was " + self.echo()
        if isinstance(body, dict):
            body = dict(body)
            if isinstance(body.get("errorMessages"), list):
                body["errorMessages"] = [*body["errorMessages"], quoted]
            if isinstance(body.get("message"), str):
                body["message"] = f"{body['message']} ({quoted})"
            body["echo"] = quoted
            return body
        return {"message": quoted, "errorMessages": [quoted], "echo": quoted}

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.format_datetime(self.fake_now(), usegmt=True)

    def do_GET(self) -> None:
        self._handle_whole()

    def do_POST(self) -> None:
        self._handle_whole()

    def do_PATCH(self) -> None:
        self._handle_whole()

    def do_PUT(self) -> None:
        self._handle_whole()

    def do_DELETE(self) -> None:
        self._handle_whole()

    def _handle_whole(self) -> None:
        try:
            self._handle()
        except IncompleteRequestError:
            # The client went away mid-body (a SIGKILL in a test): like a real server, act on
            # nothing and log nothing, since no such request was ever made.
            self.close_connection = True

    def answer_through(
        self,
        fake: LoopbackFake,
        fault: Fault | None,
        fault_reply: Callable[[Fault], Reply],
        answer: Callable[[], Reply],
    ) -> tuple[Reply | None, Garbage | None]:
        """What the client gets when ``fault`` (from the fake's plan, or None) meets this
        request: the fault's own answer, a proxy's garbage, nothing (a dropped connection), or
        the fake's ``answer`` (the request acted on), kept, lost or turned into garbage."""
        if fault is not None and fault.status is not None:
            return fault_reply(fault), None
        if fault is not None and fault.garbage and not fault.applied:
            # A proxy answered in the tracker's place: the request never reached it.
            return None, garbage_answer(fault.kind, None, None, self.headers.get("Authorization"))
        if fault is not None and fault.kind == "drop_before":
            return None, None
        if fault is not None and fault.kind == "slow":
            fake.wait(fault.delay)
        reply = answer()
        if fault is not None and fault.kind == "drop_after":
            return None, None  # applied, but the answer is lost
        if fault is not None and fault.garbage:
            # Applied, but what comes back is garbage with a success status.
            auth = self.headers.get("Authorization")
            return reply, garbage_answer(fault.kind, reply.status, reply.body, auth)
        return reply, None

    def send_answer(
        self, fake: LoopbackFake, reply: Reply | None, garbage: Garbage | None, content_type: str
    ) -> None:
        """Send what ``answer_through`` decided: garbage, nothing (the connection closed), or
        the reply as JSON, quoting the request when the fake echoes."""
        if garbage is not None:
            self.send_garbage(garbage)
            return
        if reply is None:
            self.close_connection = True
            return
        body = self.echoed(reply.status, reply.body, fake.echo_requests)
        payload = b"" if body is None else json.dumps(body).encode()
        fake.note_retry_after(reply.headers, self.connection_label())
        self.send_response(reply.status)
        if payload:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)
        self.wfile.flush()

    @staticmethod
    def answered_status(reply: Reply | None, garbage: Garbage | None) -> int | None:
        """The status the request log shows: None when the connection was dropped."""
        return garbage.status if garbage else reply.status if reply else None

    def send_garbage(self, garbage: Any) -> None:
        """Answer with a garbage fault's status, content type and bytes (`tests.fakes.garbage`),
        as a proxy would: none of the service's own headers."""
        self.send_response(garbage.status)
        self.send_header("Content-Type", garbage.content_type)
        self.send_header("Content-Length", str(len(garbage.payload)))
        self.end_headers()
        self.wfile.write(garbage.payload)
        self.wfile.flush()

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0:
            return None
        data = self.rfile.read(length)
        if len(data) < length:
            raise IncompleteRequestError(f"{len(data)} of {length} body bytes arrived")
        raw = data.decode("utf-8", errors="replace")
        try:
            return json.loads(raw)
        except ValueError:
            return raw
