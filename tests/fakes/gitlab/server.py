"""The fake GitLab: ``GET``/``POST /api/v4/projects/:id/merge_requests``, ``PUT`` one (to close
it) and ``POST`` its ``notes``, ``PRIVATE-TOKEN``.

Small on purpose: what write-back's merge requests use. Like GitLab, it refuses a second open
merge request from the same source branch into the same target (409), and takes the project
as its URL-encoded path (``acme%2Fpostmortems``). Faults come from the shared ``FaultPlan``.
"""

from __future__ import annotations

import datetime
import itertools
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.faults import Fault, FaultPlan
from tests.fakes.loopback_fake import FakeHandler, LoopbackFake
from tests.fakes.routing import Reply, Routes, redact_headers

ROUTES = Routes()
API_PREFIX = "/api/v4"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]  # credentials redacted
    status: int | None
    endpoint: str | None
    fault: str | None


@dataclass
class MergeRequest:
    iid: int
    project: str
    source_branch: str
    target_branch: str
    title: str
    description: str | None
    state: str = "opened"
    notes: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=lambda: datetime.datetime.now(datetime.UTC).isoformat())


class FakeGitLab(LoopbackFake):
    thread_name = "fake-gitlab"

    def __init__(self, project: str = "acme/postmortems", token: str = "glpat-fake0000") -> None:
        super().__init__()
        self.project = project
        self.token = token
        self.faults = FaultPlan()
        self.lock = threading.Lock()
        self.merge_requests: list[MergeRequest] = []
        self._iids = itertools.count(1)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def url(self) -> str:
        return self.root_url + API_PREFIX

    def render(self, mr: MergeRequest) -> dict[str, Any]:
        return {
            "id": 1000 + mr.iid,
            "iid": mr.iid,
            "project_id": 1,
            "title": mr.title,
            "description": mr.description,
            "state": mr.state,
            "source_branch": mr.source_branch,
            "target_branch": mr.target_branch,
            "created_at": mr.created_at,
            "web_url": f"{self.root_url}/{mr.project}/-/merge_requests/{mr.iid}",
        }

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Reply:
        found = ROUTES.find(method, path.removeprefix(API_PREFIX))
        if isinstance(found, list):
            return Reply(405 if found else 404, {"message": "404 Not Found"})
        if unquote(found.params["id"]) != self.project:
            return Reply(404, {"message": "404 Project Not Found"})
        handler = getattr(self, found.route.handler)
        if "iid" in found.params:
            query = {**query, "iid": [found.params["iid"]]}
        reply: Reply = handler(query, body)
        return reply

    @ROUTES.route("GET", "/projects/{id}/merge_requests")
    def list_merge_requests(self, query: dict[str, list[str]], _body: Any) -> Reply:
        def arg(name: str) -> str | None:
            values = query.get(name)
            return values[-1] if values else None

        state = arg("state") or "all"
        with self.lock:
            found = [
                self.render(mr)
                for mr in reversed(self.merge_requests)
                if state in ("all", mr.state)
                and arg("source_branch") in (None, mr.source_branch)
                and arg("target_branch") in (None, mr.target_branch)
            ]
        return Reply(200, found)

    @ROUTES.route("POST", "/projects/{id}/merge_requests")
    def create_merge_request(self, _query: dict[str, list[str]], body: Any) -> Reply:
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and body[k]
            for k in ("source_branch", "target_branch", "title")
        ):
            return Reply(400, {"error": "source_branch, target_branch, title are missing"})
        with self.lock:
            for mr in self.merge_requests:
                if mr.state == "opened" and (mr.source_branch, mr.target_branch) == (
                    body["source_branch"],
                    body["target_branch"],
                ):
                    message = (
                        "Another open merge request already exists for this source branch: "
                        f"!{mr.iid}"
                    )
                    return Reply(409, {"message": [message]})
            mr = MergeRequest(
                next(self._iids),
                self.project,
                body["source_branch"],
                body["target_branch"],
                body["title"],
                body.get("description"),
            )
            self.merge_requests.append(mr)
            return Reply(201, self.render(mr))

    def _merge_request(self, iid: str) -> MergeRequest | None:
        return next((mr for mr in self.merge_requests if str(mr.iid) == iid), None)

    @ROUTES.route("POST", "/projects/{id}/merge_requests/{iid}/notes")
    def add_note(self, query: dict[str, list[str]], body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return Reply(400, {"error": "body is missing"})
        with self.lock:
            mr = self._merge_request(query["iid"][0])
            if mr is None:
                return Reply(404, {"message": "404 Not found"})
            mr.notes.append(body["body"])
            return Reply(201, {"id": 5000 + len(mr.notes), "body": body["body"]})

    @ROUTES.route("PUT", "/projects/{id}/merge_requests/{iid}")
    def update_merge_request(self, query: dict[str, list[str]], body: Any) -> Reply:
        with self.lock:
            mr = self._merge_request(query["iid"][0])
            if mr is None:
                return Reply(404, {"message": "404 Not found"})
            if isinstance(body, dict) and body.get("state_event") == "close":
                mr.state = "closed"
            return Reply(200, self.render(mr))

    def open_merge_requests(self) -> list[MergeRequest]:
        with self.lock:
            return [mr for mr in self.merge_requests if mr.state == "opened"]


def _make_handler(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class _Handler(FakeHandler):
        def fake_now(self) -> datetime.datetime:
            return datetime.datetime.now(datetime.UTC)

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            path = parts.path.rstrip("/") or "/"
            query = parse_qs(parts.query, keep_blank_values=True)
            body = self._read_body()
            fault = fake.faults.decide(self.command, path)

            def answer() -> Reply:
                if self.headers.get("PRIVATE-TOKEN") != fake.token:
                    return Reply(401, {"message": "401 Unauthorized"})
                return fake.answer(self.command, path, query, body)

            reply, garbage = self.answer_through(fake, fault, self._fault_reply, answer)
            headers = redact_headers(dict(self.headers.items()))
            if "Private-Token" in headers:
                headers["Private-Token"] = "REDACTED"
            found = ROUTES.find(self.command, path.removeprefix(API_PREFIX))
            fake.record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    query=query,
                    body=body,
                    headers=headers,
                    status=self.answered_status(reply, garbage),
                    endpoint=None if isinstance(found, list) else found.route.template,
                    fault=fault.kind if fault else None,
                )
            )
            self.send_answer(fake, reply, garbage, "application/json")

        def _fault_reply(self, fault: Fault) -> Reply:
            reply = Reply(int(fault.kind), {"message": f"injected {fault.kind}"})
            if fault.retry_after is not None:
                return Reply(reply.status, reply.body, (("Retry-After", str(fault.retry_after)),))
            return reply

    return _Handler
