"""A client killed mid-request: both fakes act on nothing and log nothing, as a real server.

A SIGKILLed syncd can leave a POST whose headers arrived and whose body did not; treating the
short body as the request (an empty string) made the contract check report a request syncd never
made.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira


def send_half_a_request(url: str, path: str, headers: dict[str, str]) -> None:
    parts = urlsplit(url)
    body = b'{"title": "Rotate the signing keys"}'
    head = [f"POST {parts.path.rstrip('/')}{path} HTTP/1.1", f"Host: {parts.netloc}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    head += ["Content-Type: application/json", f"Content-Length: {len(body) + 100}", "", ""]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall("\r\n".join(head).encode() + body)
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(5)
        assert sock.recv(1024) == b""  # closed without an answer


def test_the_fake_github_ignores_a_request_whose_body_never_arrived() -> None:
    with FakeGitHub() as fake:
        before = fake.state.version
        send_half_a_request(
            fake.url, "/repos/acme/payments/issues", {"Authorization": f"token {fake.token}"}
        )
        assert fake.requests == []
        assert fake.state.version == before  # nothing written


def test_the_fake_jira_ignores_a_request_whose_body_never_arrived() -> None:
    with FakeJira("cloud") as fake:
        send_half_a_request(fake.url, "/rest/api/3/issue", {})
        assert fake.requests == []
        assert fake.state.issues == {}
