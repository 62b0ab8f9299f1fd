"""A chat webhook that refuses every post and quotes the request back: URL, headers, body."""

from __future__ import annotations

import datetime
import json
from http.server import BaseHTTPRequestHandler

from tests.fakes.loopback_fake import FakeHandler, LoopbackFake


class EchoWebhook(LoopbackFake):
    """Answers every request ``status`` (default 400) with the request quoted in the body."""

    thread_name = "fake-echo-webhook"

    def __init__(self, status: int = 400) -> None:
        super().__init__()
        self.status = status
        self.echo_requests = True
        self.posts = 0

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class _Handler(FakeHandler):
            def fake_now(self) -> datetime.datetime:
                return datetime.datetime.now(datetime.UTC)

            def _handle(self) -> None:
                body = self._read_body()
                fake.posts += 1
                quoted = self.echoed(fake.status, None, fake.echo_requests) or {}
                quoted["body"] = body
                payload = json.dumps(quoted).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return _Handler
