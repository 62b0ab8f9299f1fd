"""Prefix routes of the service's HTTP server taking bodies (the webhooks): bounded per prefix,
read with a timeout, any failure answered; a misbehaving sender never stops the probes."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator

import pytest

from syncd.service import http as service_http
from syncd.service.http import ProbeServer, WebAnswer, WebRequest
from syncd.service.readiness import Readiness
from tests.service.service_support import http_get
from tests.webhooks.deliveries import post, status_of_headers_only

LIMIT = 64 * 1024  # more than the server's default, as the webhooks allow


def _echo(request: WebRequest) -> WebAnswer:
    if request.body == b"boom":
        raise RuntimeError("a bug in a route")
    text = f"{request.method} {request.path} {request.headers.get('x-test')} {len(request.body)}"
    return WebAnswer(202, "text/plain", text.encode())


@pytest.fixture
def server() -> Iterator[ProbeServer]:
    probes = ProbeServer(
        host="127.0.0.1",
        port=0,
        readiness=lambda: Readiness({}),
        metrics=lambda: b"",
        metrics_content_type="text/plain",
        prefix_routes={"/hooks": _echo},
        body_limits={"/hooks": LIMIT},
    )
    probes.start()
    try:
        yield probes
    finally:
        probes.stop()


def test_a_post_route_gets_the_path_lower_case_headers_and_the_body(server: ProbeServer) -> None:
    status, answer = post(server.port, "/hooks/x?y=1", b"abc", {"X-Test": "yes"})
    assert (status, answer) == (202, b"POST /hooks/x yes 3")
    big = b"x" * (service_http.MAX_BODY_BYTES + 1)  # over the default, within the route's limit
    assert post(server.port, "/hooks/x", big)[1].endswith(str(len(big)).encode())
    assert post(server.port, "/other", b"abc")[0] == 404
    assert post(server.port, "/hooks/x", b"boom")[0] == 500


def test_bodies_over_the_limit_or_of_no_announced_length_are_refused_unread(
    server: ProbeServer,
) -> None:
    assert status_of_headers_only(server.port, "/hooks/x", LIMIT + 1) == 413
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /hooks/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        assert sock.makefile("rb").readline().split()[1] == b"411"
    assert http_get(server.port, "/healthz") == (200, b"ok\n")


@pytest.mark.parametrize(
    "opening",
    [
        b"POST /hooks/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten!!",
        b"",  # a connection that says nothing at all
    ],
)
def test_a_sender_stalling_is_cut_off_and_the_probes_go_on(
    server: ProbeServer, monkeypatch: pytest.MonkeyPatch, opening: bytes
) -> None:
    monkeypatch.setattr(service_http, "REQUEST_READ_SECONDS", 0.2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(opening)
        assert http_get(server.port, "/healthz") == (200, b"ok\n")  # served meanwhile
        # The server gives up on the request and hangs up without an answer or a route call.
        assert sock.recv(1024) == b""


def _closed_while_trickling(sock: socket.socket, drip: bytes, most: int) -> bool:
    """Send ``drip`` one byte at a time, each after a pause of 0.05 s spent waiting for the
    server to hang up; True once it has (an empty read, or a reset)."""
    for byte in (drip * most)[:most]:
        try:
            sock.sendall(bytes([byte]))
            readable, _, _ = select.select([sock], [], [], 0.05)
            if readable and sock.recv(1024) == b"":
                return True
        except OSError:
            return True
    return False


@pytest.mark.parametrize(
    ("opening", "drip"),
    [
        # A body sent a byte at a time, each well within the deadline of one read.
        (b"POST /hooks/x HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n", b"x"),
        # Headers that never end (slowloris): no route sees them, no thread is kept.
        (b"POST /hooks/x HTTP/1.1\r\nHost: x\r\n", b"X-Slow: y\r\n"),
    ],
)
def test_a_request_trickled_byte_by_byte_is_cut_off_at_one_deadline_for_the_whole_request(
    server: ProbeServer, monkeypatch: pytest.MonkeyPatch, opening: bytes, drip: bytes
) -> None:
    monkeypatch.setattr(service_http, "REQUEST_READ_SECONDS", 0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(opening)
        # 0.05 s a byte for up to 600 bytes: 30 s of trickling, each byte in time for a read.
        assert _closed_while_trickling(sock, drip, 600)
    assert http_get(server.port, "/healthz") == (200, b"ok\n")
