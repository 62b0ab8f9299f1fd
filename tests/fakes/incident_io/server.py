"""The fake incident.io: ``GET /v2/follow_ups`` and ``GET /v2/incidents/{id}``, Bearer keys.

Errors come in incident.io's documented shape (``type``, ``status``, ``request_id``,
``errors``). Faults (429 with Retry-After, 5xx, dropped connections, garbage) come from the
shared ``FaultPlan``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.faults import Fault, FaultPlan
from tests.fakes.incident_io.state import IncidentIoState
from tests.fakes.loopback_fake import FakeHandler, LoopbackFake
from tests.fakes.routing import Reply, Routes, redact_headers

ROUTES = Routes()
_ERROR_TYPES = {
    401: "authentication_error",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]  # Authorization redacted
    status: int | None  # None: the connection was dropped
    at: float
    endpoint: str | None  # "GET /v2/incidents/{id}"
    fault: str | None
    connection: str = ""


def error(status: int, message: str) -> Reply:
    body = {
        "type": _ERROR_TYPES.get(status, "internal_error"),
        "status": status,
        "request_id": "fake-request",
        "errors": [{"code": _ERROR_TYPES.get(status, "internal_error"), "message": message}],
    }
    return Reply(status, body)


class FakeIncidentIo(LoopbackFake):
    thread_name = "fake-incident-io"

    def __init__(self, api_key: str = "inc-key-0123456789abcdef") -> None:
        super().__init__()
        self.api_key = api_key
        self.state = IncidentIoState()
        self.faults = FaultPlan()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def url(self) -> str:
        return self.root_url

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], auth: str | None
    ) -> Reply:
        scheme, _, key = (auth or "").partition(" ")
        if scheme.lower() != "bearer" or key.strip() != self.api_key:
            return error(401, "The API key you provided is invalid or has been revoked")
        found = ROUTES.find(method, path)
        if isinstance(found, list):
            return error(405 if found else 404, "No such route")
        params = {k: unquote(v) for k, v in found.params.items()}
        handler = getattr(self, found.route.handler)
        reply: Reply = handler(params, query)
        return reply

    @ROUTES.route("GET", "/v2/follow_ups")
    def list_follow_ups(self, _params: dict[str, str], query: dict[str, list[str]]) -> Reply:
        mode = (query.get("incident_mode") or [None])[0]
        return Reply(200, {"follow_ups": self.state.listed(mode)})

    @ROUTES.route("GET", "/v2/incidents/{id}")
    def show_incident(self, params: dict[str, str], _query: dict[str, list[str]]) -> Reply:
        incident_id = params["id"]
        with self.state.lock:
            if incident_id in self.state.hidden:
                return error(403, "You do not have access to this private incident")
            incident = self.state.incidents.get(incident_id)
            if incident is None:
                return error(404, "Incident not found")
            return Reply(200, {"incident": incident})

    def endpoint(self, method: str, path: str) -> str | None:
        found = ROUTES.find(method, path)
        return None if isinstance(found, list) else f"{method} {found.route.template}"


def _make_handler(fake: FakeIncidentIo) -> type[BaseHTTPRequestHandler]:
    class _Handler(FakeHandler):
        def fake_now(self) -> datetime.datetime:
            return datetime.datetime.now(datetime.UTC)

        def _handle(self) -> None:
            arrived = fake.monotonic()
            parts = urlsplit(self.path)
            path = parts.path.rstrip("/") or "/"
            query = parse_qs(parts.query, keep_blank_values=True)
            body = self._read_body()
            fault = fake.faults.decide(self.command, path)
            fake.wait(fake.faults.latency)
            auth = self.headers.get("Authorization")

            def answer() -> Reply:
                return fake.answer(self.command, path, query, auth)

            reply, garbage = self.answer_through(fake, fault, self._fault_reply, answer)
            fake.record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    query=query,
                    body=body,
                    headers=redact_headers(dict(self.headers.items())),
                    status=self.answered_status(reply, garbage),
                    at=arrived,
                    endpoint=fake.endpoint(self.command, path),
                    fault=fault.kind if fault else None,
                    connection=self.connection_label(),
                )
            )
            self.send_answer(fake, reply, garbage, "application/json")

        def _fault_reply(self, fault: Fault) -> Reply:
            reply = error(int(fault.kind), f"injected {fault.kind}")
            if fault.retry_after is not None:
                return Reply(reply.status, reply.body, (("Retry-After", str(fault.retry_after)),))
            return reply

    return _Handler
