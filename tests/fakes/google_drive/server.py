"""A stateful fake of the Drive API v3 (files.list, files.get, files.export) and Google's
OAuth token endpoint, on loopback, driven through the client code syncd uses.

The token endpoint checks each JWT assertion as Google does: signed (RS256) by the service
account's key (its public key registered in the state), for this audience and the Drive scope;
a ``sub`` needs domain-wide delegation. A Drive request needs a token it issued, and sees only
what is shared with the token's principal. Answers follow the discovery document's ``File`` and
``FileList`` schemas (checked in ``test_fake_google_drive_contract.py``), with only the fields
asked for in ``fields``. Faults (429 with Retry-After, 5xx, dropped connections) come from
``tests.fakes.faults``.
"""

from __future__ import annotations

import base64
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.faults import Fault, FaultPlan
from tests.fakes.google_drive.oauth import b64url, grant
from tests.fakes.google_drive.query import InvalidQuery, parse_query
from tests.fakes.google_drive.state import DOCUMENT, DriveState, FakeFile
from tests.fakes.loopback_fake import FakeHandler, LoopbackFake
from tests.fakes.routing import Reply, Routes, redact_headers

ROUTES = Routes()
PREFIX = "/drive/v3"
TOKEN_PATH = "/token"
EXPORT_LIMIT = 10 * 1024 * 1024


class DriveError(Exception):
    def __init__(
        self, status: int, reason: str, message: str, headers: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [{"domain": "global", "reason": self.reason, "message": self.message}],
            }
        }


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]  # Authorization redacted
    status: int | None
    at: float
    endpoint: str | None
    fault: str | None
    connection: str = ""
    answer: Any = None  # the body the fake answered with (JSON, or bytes of an export)


@dataclass
class _Call:
    principal: str
    params: dict[str, str]
    query: dict[str, list[str]]

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def flag(self, name: str) -> bool:
        return self.arg(name, "false") == "true"


def _rfc3339(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def _select(resource: dict[str, Any], fields: str | None) -> dict[str, Any]:
    """Only the fields asked for (``a,b``), as Drive answers; all of them without ``fields``."""
    if not fields or fields == "*":
        return resource
    wanted = {f.strip() for f in fields.split(",")}
    return {k: v for k, v in resource.items() if k in wanted}


def _list_fields(fields: str | None) -> tuple[set[str], str | None]:
    """``nextPageToken,files(id,name)`` -> ({"nextPageToken", "files"}, "id,name")."""
    if not fields:
        return {"nextPageToken", "files", "kind", "incompleteSearch"}, "id,name,mimeType,kind"
    top: set[str] = set()
    inner: str | None = None
    depth, start = 0, 0
    parts: list[str] = []
    for index, char in enumerate(fields + ","):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(fields[start:index].strip())
            start = index + 1
    for part in parts:
        name, _, rest = part.partition("(")
        top.add(name)
        if name == "files" and rest:
            inner = rest.rstrip(")")
        elif name == "files":
            inner = "*"
    return top, inner


class FakeGoogleDrive(LoopbackFake):
    thread_name = "fake-google-drive"

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.state = DriveState(clock=clock or (lambda: datetime.now(UTC)))
        self.faults = FaultPlan()
        # Google's quota refusals: 403 with a reason, no Retry-After (`refuse_with`).
        self.refusals: list[tuple[str, int, str]] = []
        self.credentials_revoked = False  # every Drive request answered 401, tokens or not
        self.incomplete_search = False  # listings say Drive could not search everything
        self.page_size_cap = 1000  # Drive's largest page; tests lower it to page small folders

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def refuse_with(self, path_glob: str, status: int, reason: str) -> None:
        """Every Drive request whose path matches the glob is answered with Google's error of
        this status and reason (``403 userRateLimitExceeded``), until ``refusals`` is cleared."""
        self.refusals.append((path_glob, status, reason))

    @property
    def token_uri(self) -> str:
        return self.root_url + TOKEN_PATH

    def document_requests(self, kind: str) -> list[RecordedRequest]:
        """Logged requests of one kind: "token", "list", "get" or "export"."""
        return [r for r in self.requests if _kind(r) == kind]

    # --- the token endpoint ---------------------------------------------------------------------

    def grant(self, form: dict[str, list[str]]) -> Reply:
        return grant(self.state, self.token_uri, form)

    def authenticate(self, header: str | None) -> str:
        scheme, _, token = (header or "").partition(" ")
        issued = self.state.tokens.get(token) if scheme.lower() == "bearer" else None
        if issued is None or issued.expires <= self.state.clock() or self.credentials_revoked:
            raise DriveError(401, "authError", "Invalid Credentials")
        return issued.principal

    # --- Drive ----------------------------------------------------------------------------------

    def _visible_file(
        self, call: _Call, file_id: str, *, needs_all_drives: bool = True
    ) -> FakeFile:
        file = self.state.files.get(file_id)
        if file is None or not self.state.visible(file, call.principal):
            raise DriveError(404, "notFound", f"File not found: {file_id}.")
        # files.get hides shared drives' files from a client that does not say it supports
        # them; files.export has no such parameter and exports them.
        if needs_all_drives and file.drive_id is not None and not call.flag("supportsAllDrives"):
            raise DriveError(404, "notFound", f"File not found: {file_id}.")
        return file

    def render(self, file: FakeFile) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "kind": "drive#file",
            "id": file.id,
            "name": file.name,
            "mimeType": file.mime_type,
            "parents": list(file.parents),
            "trashed": file.trashed,
            "createdTime": _rfc3339(file.created),
            "modifiedTime": _rfc3339(file.modified),
            "version": str(file.version),
            "webViewLink": (
                f"https://docs.google.com/document/d/{file.id}/edit?usp=drivesdk"
                if file.mime_type == DOCUMENT
                else f"https://drive.google.com/drive/folders/{file.id}"
            ),
        }
        if file.drive_id is not None:
            rendered["driveId"] = file.drive_id
        return rendered

    @ROUTES.route("GET", "/files")
    def list_files(self, call: _Call) -> Reply:
        try:
            matches = parse_query(call.arg("q", "") or "trashed = false")
        except InvalidQuery as exc:
            raise DriveError(400, "invalid", f"Invalid Value: q ({exc})") from None
        corpora = call.arg("corpora", "user")
        drive_id = call.arg("driveId")
        all_drives = call.flag("supportsAllDrives") and call.flag("includeItemsFromAllDrives")
        if corpora == "drive" and (drive_id is None or not all_drives):
            raise DriveError(
                400,
                "invalid",
                "The driveId parameter must be specified if and only if corpora "
                "is set to drive, with includeItemsFromAllDrives and supportsAllDrives.",
            )
        if drive_id is not None and corpora != "drive":
            raise DriveError(400, "invalid", "driveId needs corpora=drive.")
        size = min(int(call.arg("pageSize", "100") or 100), self.page_size_cap)
        with self.state.lock:
            found = [
                f
                for f in sorted(self.state.files.values(), key=lambda f: f.id)
                if matches(f)
                and self.state.visible(f, call.principal)
                and (f.drive_id is None or all_drives)
                and (corpora != "drive" or f.drive_id == drive_id)
            ]
        token = call.arg("pageToken")
        start = int(b64url(token).decode()) if token else 0
        page = found[start : start + size]
        top, inner = _list_fields(call.arg("fields"))
        body: dict[str, Any] = {}
        if "kind" in top:
            body["kind"] = "drive#fileList"
        if "incompleteSearch" in top:
            body["incompleteSearch"] = self.incomplete_search
        if "files" in top:
            body["files"] = [_select(self.render(f), inner) for f in page]
        if "nextPageToken" in top and start + size < len(found):
            body["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return Reply(200, body)

    @ROUTES.route("GET", "/files/{fileId}")
    def get_file(self, call: _Call) -> Reply:
        file = self._visible_file(call, call.params["fileId"])
        return Reply(200, _select(self.render(file), call.arg("fields")))

    @ROUTES.route("GET", "/files/{fileId}/export")
    def export_file(self, call: _Call) -> Reply:
        file = self._visible_file(call, call.params["fileId"], needs_all_drives=False)
        wanted = call.arg("mimeType")
        if wanted is None:
            raise DriveError(400, "required", "Required parameter: mimeType")
        if file.mime_type != DOCUMENT or wanted != "text/markdown":
            raise DriveError(400, "badRequest", "The requested conversion is not supported.")
        if file.deleted_on_export:
            raise DriveError(404, "notFound", f"File not found: {file.id}.")
        if file.export_forbidden:
            raise DriveError(403, "cannotExportFile", "This file cannot be exported by the user.")
        data = file.content.encode()
        if file.export_too_large or len(data) > EXPORT_LIMIT:
            raise DriveError(
                403, "exportSizeLimitExceeded", "This file is too large to be exported."
            )
        return Reply(200, data, (("Content-Type", "text/markdown; charset=utf-8"),))


def _kind(request: RecordedRequest) -> str:
    if request.path == TOKEN_PATH:
        return "token"
    if request.path.endswith("/export"):
        return "export"
    if request.path == f"{PREFIX}/files":
        return "list"
    return "get"


def _make_handler(fake: FakeGoogleDrive) -> type[BaseHTTPRequestHandler]:
    class _Handler(FakeHandler):
        def fake_now(self) -> datetime:
            return fake.state.clock()

        def _handle(self) -> None:
            arrived = fake.monotonic()
            parts = urlsplit(self.path)
            path = parts.path.rstrip("/") or "/"
            query = parse_qs(parts.query, keep_blank_values=True)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length > 0 else ""
            body: Any = parse_qs(raw, keep_blank_values=True) if raw else None
            fault = fake.faults.decide(self.command, path)
            fake.wait(fake.faults.latency)
            endpoint: str | None = None

            def answer() -> Reply:
                nonlocal endpoint
                reply, endpoint = self._answer(path, query, body)
                return reply

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
                    endpoint=endpoint,
                    fault=fault.kind if fault else None,
                    connection=self.connection_label(),
                    answer=reply.body if reply is not None and garbage is None else None,
                )
            )
            if reply is not None and isinstance(reply.body, bytes) and garbage is None:
                self._send_bytes(reply)
            else:
                self.send_answer(fake, reply, garbage, "application/json; charset=UTF-8")

        def _send_bytes(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()

        def _answer(
            self, path: str, query: dict[str, list[str]], body: Any
        ) -> tuple[Reply, str | None]:
            if path == TOKEN_PATH:
                if self.command != "POST":
                    return Reply(405, {"error": "invalid_request"}), None
                return fake.grant(body or {}), f"POST {TOKEN_PATH}"
            if not path.startswith(PREFIX + "/"):
                return Reply(404, DriveError(404, "notFound", "Not Found").body()), None
            found = ROUTES.find(self.command, path.removeprefix(PREFIX))
            if isinstance(found, list):
                status = 405 if found else 404
                return Reply(status, DriveError(status, "notFound", "Not Found").body()), None
            endpoint = f"{found.route.method} {PREFIX}{found.route.template}"
            try:
                for glob, status, reason in list(fake.refusals):
                    if fnmatch.fnmatchcase(path, glob):
                        raise DriveError(status, reason, f"Refused: {reason}.")
                principal = fake.authenticate(self.headers.get("Authorization"))
                call = _Call(principal, found.params, query)
                reply: Reply = getattr(fake, found.route.handler)(call)
                return reply, endpoint
            except DriveError as exc:
                return Reply(exc.status, exc.body(), tuple(exc.headers.items())), endpoint

        @staticmethod
        def _fault_reply(fault: Fault) -> Reply:
            headers: tuple[tuple[str, str], ...] = ()
            if fault.retry_after is not None:
                headers = (("Retry-After", str(fault.retry_after)),)
            reason = {
                "405": "methodNotAllowed",
                "429": "rateLimitExceeded",
                "500": "backendError",
                "502": "backendError",
                "503": "backendError",
            }[fault.kind]
            status = int(fault.kind)
            return Reply(status, DriveError(status, reason, "Fault injected.").body(), headers)

    return _Handler
