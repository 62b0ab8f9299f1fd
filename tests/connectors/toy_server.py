"""The toy tracker's server: issues in memory, behind an ``httpx.MockTransport``, that can lose
an answer, fail a create or ask for a pause once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

TOKEN = "toy-token-0123456789abcdef"
PREFIX = "/api"  # where the API lives under the server's URL
_GARBAGE = {
    "html": "<html><body>Sign in to continue</body></html>",
    "truncated_json": '{"issues": [{"key": "TOY-1", "summ',
    "json_without_keys": '{"message": "welcome"}',
}
_FIELDS = ("summary", "description", "assignee", "due", "priority", "labels", "marker")


@dataclass
class ToyServer:
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    _faults: list[tuple[str, str]] = field(default_factory=list)  # (method or "*", fault)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def fault_next(self, method: str, fault: str) -> None:
        """``lost`` (applied, no answer), ``500``, ``429:<seconds>``, or garbage with a 200
        (``html``, ``truncated_json``, ``json_without_keys``) on the next request."""
        self._faults.append((method, fault))

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, json={"error": "bad token"})
        fault = self._take_fault(request.method)
        if fault == "500":
            return httpx.Response(500, text="<html>oops</html>")
        if fault.startswith("429:"):
            return httpx.Response(429, headers={"Retry-After": fault[4:]})
        if fault in _GARBAGE:
            return httpx.Response(200, text=_GARBAGE[fault])
        response = self._route(request)
        if fault == "lost":
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return response

    def _take_fault(self, method: str) -> str:
        for n, (wanted, fault) in enumerate(self._faults):
            if wanted in ("*", method):
                del self._faults[n]
                return fault
        return ""

    def _route(self, request: httpx.Request) -> httpx.Response:
        parts = request.url.path.removeprefix(PREFIX).strip("/").split("/")
        if parts == ["issues"] and request.method == "GET":
            since = request.url.params.get("since") or ""
            found = [i for i in self.issues.values() if i["updated"] >= since]
            return httpx.Response(200, json={"issues": found})
        if parts == ["issues"] and request.method == "POST":
            body = json.loads(request.content)
            key = f"TOY-{len(self.issues) + 1}"
            self.issues[key] = {"key": key, **{f: body.get(f) for f in _FIELDS}}
            self._touch(key)
            return httpx.Response(201, json=self.issues[key])
        if len(parts) == 2 and parts[0] == "issues" and parts[1] in self.issues:
            issue = self.issues[parts[1]]
            if request.method == "PATCH":
                changes = json.loads(request.content)
                issue.update({k: v for k, v in changes.items() if k in _FIELDS})
                self._touch(parts[1])
            return httpx.Response(200, json=issue)
        return httpx.Response(404, json={"error": "no such issue"})

    def _touch(self, key: str) -> None:
        self.issues[key]["updated"] = datetime.now(UTC).isoformat()
