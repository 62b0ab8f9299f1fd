"""FakeJira: the stateful fake served over loopback HTTP, in Cloud or Data Center mode.

The real `jira` client (and syncd's connector on top of it) talks to this server exactly as it
would to Jira: same paths, auth schemes, JSON shapes and error shapes. Every request is logged
(Authorization redacted) so tests can count, check against the spec and assert timing.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.faults import Fault, FaultPlan
from tests.fakes.jira import jql
from tests.fakes.jira.render import (
    Renderer,
    jira_time,
    select_fields,
    text_to_adf,
)
from tests.fakes.jira.state import (
    CATEGORY_DONE,
    ISSUE_TYPES,
    PRIORITIES,
    RESOLUTIONS,
    STATUS_CATEGORIES,
    STATUSES,
    FieldErrors,
    JiraState,
    NotFound,
    User,
    find_named,
    system_clock,
)
from tests.fakes.loopback_fake import FakeHandler, LoopbackFake
from tests.fakes.routing import Reply, Routes, redact_headers

BULK_LIMIT = 50
_PREFIX_RE = re.compile(r"^/rest/api/(2|3|latest)(/.*)$")
_ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."
_SEARCH_GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at "
    "https://developer.atlassian.com/changelog/#CHANGE-2046"
)
_UNBOUNDED = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)


class HttpError(Exception):
    """An answer other than success, with Jira's error shape unless a body is given."""

    def __init__(
        self,
        status: int,
        messages: list[str] | None = None,
        errors: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, messages, errors)
        self.status = status
        self.body = {"errorMessages": messages or [], "errors": errors or {}}
        self.headers = headers or {}


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any  # parsed JSON, or the raw text when it was not JSON, or None
    headers: dict[str, str]  # Authorization redacted
    status: int | None  # None: the connection was dropped without an answer
    at: float  # the fake's monotonic clock on arrival
    endpoint: str | None  # "POST /rest/api/3/issue/bulk"; None for unknown paths
    fault: str | None  # the injected fault kind, if any
    connection: str = ""  # the client's address and port: which keep-alive connection carried it


@dataclass
class _Call:
    """What a route handler gets: the parsed request and a renderer for its REST version."""

    method: str
    version: str
    params: dict[str, str]  # path parameters
    query: dict[str, list[str]]
    body: Any
    user: User
    render: Renderer

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def list_arg(self, name: str) -> list[str] | None:
        """Array query parameters: repeated (`fields=a&fields=b`) or comma-separated."""
        values = self.query.get(name)
        if values is None:
            return None
        return [part for value in values for part in value.split(",")]

    def int_arg(self, name: str, default: int) -> int:
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise HttpError(400, [f"The value '{raw}' is not valid for '{name}'."]) from None


Handler = Callable[["FakeJira", _Call], Reply]
ROUTES = Routes()  # under /rest/api/{version}
route = ROUTES.route


class FakeJira(LoopbackFake):
    """A fake Jira on 127.0.0.1:<free port>. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        mode: str = "cloud",
        *,
        email: str = "syncd-bot@example.com",
        token: str = "fake-api-token",
        pat: str = "fake-personal-access-token",
        clock: Callable[[], dt.datetime] = system_clock,
        latency: float = 0.0,
        dc_version: tuple[int, int, int] = (9, 12, 8),
        dc_deployment_type: str = "Server",
        search_page_cap: int | None = None,
    ) -> None:
        self.state = JiraState(mode, clock)
        self.state.bot.email = email
        self.faults = FaultPlan(latency=latency)
        super().__init__()
        self.mode = mode
        self.email = email
        self.token = token
        self.pat = pat
        self.dc_version = dc_version
        self.dc_deployment_type = dc_deployment_type
        # Cloud: 100 issues a page with fields, 5000 with ids only; Data Center: 1000.
        self.search_page_cap = search_page_cap
        self._page_tokens: dict[str, tuple[str, int]] = {}

    # --- lifecycle ----------------------------------------------------------------------------

    thread_name = "fake-jira"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def url(self) -> str:
        return self.root_url

    @property
    def api_version(self) -> str:
        """The REST version a client of this mode normally uses: 3 on Cloud, 2 on Data Center."""
        return "3" if self.mode == "cloud" else "2"

    # --- modes --------------------------------------------------------------------------------

    def refuse_post_search(self) -> FakeJira:
        """Answer 405 Method Not Allowed to every POST search, from now on (GET still works):
        a Data Center site, or a proxy in front of it, that only lets GET through."""
        for pattern in ("/rest/api/*/search", "/rest/api/*/search/jql"):
            self.faults.on("POST", pattern, Fault("405"), times=None)
        return self

    # --- what tests inspect -------------------------------------------------------------------

    # --- request handling (called from the handler threads) ---------------------------------

    def authenticate(self, header: str | None, path: str) -> User:
        anonymous_ok = path.endswith("/serverInfo")
        if header is None:
            if anonymous_ok:
                return self.state.bot
            raise HttpError(
                401,
                ["You are not authenticated. Authentication required to perform this operation."],
            )
        scheme, _, credentials = header.partition(" ")
        if self.mode == "cloud" and scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials).decode()
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            if decoded == f"{self.email}:{self.token}":
                return self.state.bot
        if self.mode == "datacenter" and scheme.lower() == "bearer" and credentials == self.pat:
            return self.state.bot
        raise HttpError(401, ["Client must be authenticated to access this resource."])

    def dispatch(self, method: str, path: str, call_base: _Call) -> tuple[Reply, str | None]:
        """Route one request; (reply, endpoint template)."""
        if path == "/rest/applinks/latest/listApplicationlinks" and method == "GET":
            return Reply(200, []), f"GET {path}"
        match = _PREFIX_RE.match(path)
        if match is None:
            raise HttpError(404, [f"null for uri: {path}"])
        version, rest = match.groups()
        if version == "3" and self.mode == "datacenter":
            raise HttpError(404, [f"null for uri: {path}"])
        found = ROUTES.find(method, rest)
        if isinstance(found, list):
            if found:
                raise HttpError(405, [f"Method {method} is not allowed here."])
            raise HttpError(404, [f"null for uri: {path}"])
        call_base.version = version
        call_base.params = found.params
        call_base.render = Renderer(self.url, version, self.mode)
        handler: Handler = getattr(FakeJira, found.route.handler)
        endpoint = f"{method} /rest/api/{version}{found.route.template}"
        try:
            return handler(self, call_base), endpoint
        except HttpError as exc:
            return Reply(exc.status, exc.body, tuple(exc.headers.items())), endpoint

    # --- helpers for handlers -----------------------------------------------------------------

    def _project_exists(self, key_or_id: str) -> bool:
        try:
            self.state.project(key_or_id)
        except NotFound:
            return any(p.name.lower() == key_or_id.lower() for p in self.state.projects.values())
        return True

    def _issue_exists(self, key_or_id: str) -> bool:
        try:
            self.state.issue(key_or_id)
        except NotFound:
            return False
        return True

    def _issue(self, call: _Call) -> Any:
        try:
            return self.state.issue(call.params["issueIdOrKey"])
        except NotFound:
            raise HttpError(404, [_ISSUE_NOT_FOUND]) from None

    def _rich_input(self, call: _Call, value: Any, name: str, errors: dict[str, str]) -> Any:
        """Description/comment input: ADF on Cloud v3, a string on v2; stored per mode."""
        if value is None:
            return None
        if call.render.uses_adf:
            if not (isinstance(value, dict) and value.get("type") == "doc"):
                errors[name] = (
                    "Operation value must be an Atlassian Document "
                    "(see the Atlassian Document Format)"
                )
            return value
        if not isinstance(value, str):
            errors[name] = "Operation value must be a string"
            return value
        return text_to_adf(value) if self.mode == "cloud" else value

    def _incoming_fields(self, call: _Call, fields: Any) -> dict[str, Any]:
        if not isinstance(fields, dict):
            raise HttpError(400, ["'fields' must be an object."])
        errors: dict[str, str] = {}
        out = dict(fields)
        if "description" in out:
            out["description"] = self._rich_input(call, out["description"], "description", errors)
        if errors:
            raise FieldErrors(errors)
        return out

    def _body(self, call: _Call) -> dict[str, Any]:
        if not isinstance(call.body, dict):
            raise HttpError(400, ["The request body must be a JSON object."])
        return call.body

    # --- meta endpoints -----------------------------------------------------------------------

    @route("GET", "/serverInfo")
    def get_server_info(self, call: _Call) -> Reply:
        now = jira_time(self.state.clock())
        if self.mode == "cloud":
            version, deployment, numbers = "1001.0.0-SNAPSHOT", "Cloud", [1001, 0, 0]
        else:
            numbers = list(self.dc_version)
            version, deployment = ".".join(map(str, numbers)), self.dc_deployment_type
        return Reply(
            200,
            {
                "baseUrl": self.url,
                "displayUrl": self.url,
                "version": version,
                "versionNumbers": numbers,
                "deploymentType": deployment,
                "buildNumber": 100289 if self.mode == "cloud" else numbers[0] * 10**6 + numbers[1],
                "buildDate": "2026-01-01T00:00:00.000+0000",
                "serverTime": now,
                "scmInfo": "6e7b6b1fd8f1b6f6d6cc6b4c2a6a0a8b53c3d5f2",
                "serverTitle": "Jira",
            },
        )

    @route("GET", "/myself")
    def get_myself(self, call: _Call) -> Reply:
        return Reply(200, call.render.user(call.user))

    @route("GET", "/field")
    def get_fields(self, call: _Call) -> Reply:
        return Reply(200, call.render.field_list())

    @route("GET", "/priority")
    def get_priorities(self, call: _Call) -> Reply:
        return Reply(200, [call.render.priority_full(p) for p in PRIORITIES])

    @route("GET", "/resolution")
    def get_resolutions(self, call: _Call) -> Reply:
        return Reply(200, [call.render.resolution(r) for r in RESOLUTIONS])

    @route("GET", "/status")
    def get_statuses(self, call: _Call) -> Reply:
        return Reply(200, [call.render.status(s) for s in STATUSES])

    @route("GET", "/statuscategory")
    def get_status_categories(self, call: _Call) -> Reply:
        return Reply(200, [call.render.status_category(c) for c in STATUS_CATEGORIES])

    @route("GET", "/issuetype")
    def get_issue_types(self, call: _Call) -> Reply:
        return Reply(200, [call.render.issue_type(t) for t in ISSUE_TYPES])

    @route("GET", "/project")
    def get_projects(self, call: _Call) -> Reply:
        return Reply(200, [call.render.project(p) for p in self.state.projects.values()])

    @route("GET", "/project/{projectIdOrKey}")
    def get_project(self, call: _Call) -> Reply:
        try:
            project = self.state.project(call.params["projectIdOrKey"])
        except NotFound:
            raise HttpError(
                404, [f"No project could be found with key '{call.params['projectIdOrKey']}'."]
            ) from None
        body = call.render.project(project, full=True)
        body["issueTypes"] = [call.render.issue_type(t) for t in ISSUE_TYPES]
        body["lead"] = call.render.user_details(self.state.bot)
        return Reply(200, body)

    @route("GET", "/user")
    def get_user(self, call: _Call) -> Reply:
        ref = (
            call.arg("accountId")
            if self.mode == "cloud"
            else call.arg("username") or call.arg("key")
        )
        user = self.state.user(ref) if ref else None
        if user is None:
            raise HttpError(404, [f"The user with the identifier '{ref}' does not exist."])
        return Reply(200, call.render.user(user))

    @route("GET", "/user/search")
    def search_users(self, call: _Call) -> Reply:
        start = call.int_arg("startAt", 0)
        limit = min(call.int_arg("maxResults", 50), 1000)
        if self.mode == "cloud":
            if call.arg("username") is not None:
                raise HttpError(
                    400, ["The query parameter 'username' is not supported in GDPR strict mode."]
                )
            account_id, query = call.arg("accountId"), call.arg("query")
            if account_id:
                found = [u for u in self.state.users if u.account_id == account_id]
            elif query:
                found = self.state.search_users(query)
            else:
                raise HttpError(400, ["One of 'query' or 'accountId' parameters must be provided."])
        else:
            username = call.arg("username")
            if not username:
                raise HttpError(400, ["The username query parameter was not provided"])
            # "." is Data Center's "everyone" wildcard.
            if username == ".":
                found = [u for u in self.state.users if u.active]
            else:
                found = self.state.search_users(username)
        return Reply(200, [call.render.user(u) for u in found[start : start + limit]])

    # --- issues -------------------------------------------------------------------------------

    @route("POST", "/issue")
    def create_issue(self, call: _Call) -> Reply:
        body = self._body(call)
        if body.get("update"):
            raise HttpError(400, ["'update' on create is not supported by this fake Jira."])
        try:
            issue = self.state.create_issue(self._incoming_fields(call, body.get("fields")))
        except FieldErrors as exc:
            raise HttpError(400, errors=exc.errors) from None
        return Reply(
            201, {"id": issue.id, "key": issue.key, "self": f"{call.render.api}/issue/{issue.id}"}
        )

    @route("POST", "/issue/bulk")
    def create_issues(self, call: _Call) -> Reply:
        updates = self._body(call).get("issueUpdates")
        if not isinstance(updates, list):
            raise HttpError(400, ["'issueUpdates' must be a list."])
        if len(updates) > BULK_LIMIT:
            raise HttpError(
                400, [f"You can create at most {BULK_LIMIT} issues in a single bulk request."]
            )
        created: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for number, update in enumerate(updates):
            try:
                if not isinstance(update, dict):
                    raise FieldErrors({"issueUpdates": "Each element must be an object."})
                if update.get("update"):
                    raise FieldErrors({"update": "'update' on create is not supported here."})
                issue = self.state.create_issue(self._incoming_fields(call, update.get("fields")))
                if update.get("properties") is not None:
                    self.state.set_properties(issue.key, update["properties"])
            except (FieldErrors, HttpError) as exc:
                errors = exc.errors if isinstance(exc, FieldErrors) else {"fields": str(exc.body)}
                failed.append(
                    {
                        "status": 400,
                        "elementErrors": {"errorMessages": [], "errors": errors},
                        "failedElementNumber": number,
                    }
                )
                continue
            created.append(
                {"id": issue.id, "key": issue.key, "self": f"{call.render.api}/issue/{issue.id}"}
            )
        return Reply(201 if created or not updates else 400, {"issues": created, "errors": failed})

    @route("GET", "/issue/{issueIdOrKey}")
    def get_issue(self, call: _Call) -> Reply:
        issue = self._issue(call)
        fields = select_fields(call.list_arg("fields"), "*all")
        with self.state.lock:
            out = call.render.issue(issue, fields)
            return Reply(200, _with_properties(out, issue, call.list_arg("properties")))

    @route("PUT", "/issue/{issueIdOrKey}")
    def edit_issue(self, call: _Call) -> Reply:
        issue = self._issue(call)
        body = self._body(call)
        update = body.get("update") or {}
        if not isinstance(update, dict):
            raise HttpError(400, ["'update' must be an object."])
        try:
            fields = self._incoming_fields(call, body.get("fields") or {})
            for operations in update.values():
                if not isinstance(operations, list):
                    raise FieldErrors({"update": "Each field's operations must be a list."})
            if "description" in update:
                raise FieldErrors({"description": "Set the description through 'fields'."})
            if body.get("properties") is not None:
                self.state.set_properties(issue.key, body["properties"])
            if fields or update or body.get("properties") is None:
                self.state.update_issue(issue.key, fields, update)
        except FieldErrors as exc:
            raise HttpError(400, errors=exc.errors) from None
        if call.arg("returnIssue") == "true":
            with self.state.lock:
                return Reply(200, call.render.issue(issue, select_fields(None, "*all")))
        return Reply(204)

    # --- search -------------------------------------------------------------------------------

    def _parse_jql(self, text: str | None, *, require_bounded: bool) -> jql.Query:
        try:
            query = jql.parse(text or "")
            jql.validate(query)
        except jql.JqlError as exc:
            raise HttpError(400, [str(exc)]) from None
        if require_bounded and not query.bounded:
            raise HttpError(400, [_UNBOUNDED])
        return query

    def _run_jql(self, query: jql.Query, user: User) -> list[Any]:
        with self.state.lock:
            try:
                jql.check_references(query, self._project_exists, self._issue_exists)
            except jql.JqlError as exc:
                raise HttpError(400, [str(exc)]) from None
            ctx = jql.Context(self.state.mode, self.state.clock(), user)
            return jql.run(query, list(self.state.issues.values()), ctx)

    def _search_inputs(self, call: _Call) -> dict[str, Any]:
        """GET query parameters and POST bodies carry the same inputs."""
        if call.method == "GET":
            return {
                "jql": call.arg("jql"),
                "nextPageToken": call.arg("nextPageToken"),
                "maxResults": call.int_arg("maxResults", 50),
                "startAt": call.int_arg("startAt", 0),
                "fields": call.list_arg("fields"),
                "properties": call.list_arg("properties"),
            }
        body = self._body(call)
        fields = body.get("fields")
        if fields is not None and not (
            isinstance(fields, list) and all(isinstance(f, str) for f in fields)
        ):
            raise HttpError(400, ["'fields' must be a list of strings."])
        out = {
            "jql": body.get("jql"),
            "nextPageToken": body.get("nextPageToken"),
            "maxResults": body.get("maxResults") if body.get("maxResults") is not None else 50,
            "startAt": body.get("startAt") or 0,
            "fields": fields,
            "properties": body.get("properties"),
        }
        properties = out["properties"]
        if properties is not None and not (
            isinstance(properties, list) and all(isinstance(p, str) for p in properties)
        ):
            raise HttpError(400, ["'properties' must be a list of strings."])
        for name in ("maxResults", "startAt"):
            value = out[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise HttpError(400, [f"'{name}' must be a non-negative integer."])
        return out

    @route("GET", "/search/jql")
    def search_jql_get(self, call: _Call) -> Reply:
        return self._search_jql(call)

    @route("POST", "/search/jql")
    def search_jql_post(self, call: _Call) -> Reply:
        return self._search_jql(call)

    def _search_jql(self, call: _Call) -> Reply:
        if self.mode != "cloud":
            raise HttpError(404, [f"null for uri: /rest/api/{call.version}/search/jql"])
        inputs = self._search_inputs(call)
        text = inputs["jql"] or ""
        query = self._parse_jql(text, require_bounded=True)
        requested = inputs["fields"] or ["id"]
        wanted = select_fields(requested, "id")
        ids_only = not wanted
        cap = self.search_page_cap or (5000 if ids_only else 100)
        limit = min(max(inputs["maxResults"], 0), cap)
        offset = 0
        token = inputs["nextPageToken"]
        if token:
            saved = self._page_tokens.get(token)
            if saved is None or saved[0] != text:
                raise HttpError(400, ["The provided next page token is invalid or expired."])
            offset = saved[1]
        found = self._run_jql(query, call.user)
        page = found[offset : offset + limit]
        with self.state.lock:
            if ids_only and [x.strip() for x in requested] == ["id"]:
                issues = [{"id": i.id} for i in page]
            else:
                issues = [
                    _with_properties(call.render.issue(i, wanted), i, inputs["properties"])
                    for i in page
                ]
        body: dict[str, Any] = {"issues": issues}
        if offset + limit < len(found) and limit > 0:
            next_token = uuid.uuid4().hex
            self._page_tokens[next_token] = (text, offset + limit)
            body["nextPageToken"] = next_token
            body["isLast"] = False
        else:
            body["isLast"] = True
        return Reply(200, body)

    @route("GET", "/search")
    def search_get(self, call: _Call) -> Reply:
        return self._search_offset(call)

    @route("POST", "/search")
    def search_post(self, call: _Call) -> Reply:
        return self._search_offset(call)

    def _search_offset(self, call: _Call) -> Reply:
        if self.mode == "cloud":
            raise HttpError(410, [_SEARCH_GONE])
        inputs = self._search_inputs(call)
        query = self._parse_jql(inputs["jql"], require_bounded=False)
        wanted = select_fields(inputs["fields"], "*navigable")
        limit = min(max(inputs["maxResults"], 0), self.search_page_cap or 1000)
        start = max(inputs["startAt"], 0)
        found = self._run_jql(query, call.user)
        with self.state.lock:
            issues = [
                _with_properties(call.render.issue(i, wanted), i, inputs["properties"])
                for i in found[start : start + limit]
            ]
        return Reply(
            200,
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": limit,
                "total": len(found),
                "issues": issues,
            },
        )

    # --- transitions --------------------------------------------------------------------------

    def _transition_body(self, call: _Call, status: Any, with_fields: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": status.transition_id,
            "name": status.name,
            "to": call.render.status(status),
            "hasScreen": status.category is CATEGORY_DONE,
            "isGlobal": True,
            "isInitial": False,
            "isAvailable": True,
            "isConditional": False,
            "isLooped": False,
        }
        if with_fields:
            out["fields"] = {}
            if status.category is CATEGORY_DONE:
                out["fields"]["resolution"] = {
                    "required": False,
                    "schema": {"type": "resolution", "system": "resolution"},
                    "name": "Resolution",
                    "key": "resolution",
                    "hasDefaultValue": True,
                    "operations": ["set"],
                    "allowedValues": [call.render.resolution(r) for r in RESOLUTIONS],
                }
        return out

    @route("GET", "/issue/{issueIdOrKey}/transitions")
    def get_transitions(self, call: _Call) -> Reply:
        self._issue(call)
        with_fields = "transitions.fields" in (call.arg("expand") or "")
        wanted = call.arg("transitionId")
        transitions = [
            self._transition_body(call, s, with_fields)
            for s in STATUSES
            if (wanted is None or s.transition_id == wanted)
            and s.transition_id not in self.state.withheld_transitions
        ]
        return Reply(200, {"expand": "transitions", "transitions": transitions})

    @route("POST", "/issue/{issueIdOrKey}/transitions")
    def do_transition(self, call: _Call) -> Reply:
        issue = self._issue(call)
        body = self._body(call)
        wanted = body.get("transition")
        wanted_id = str(wanted.get("id")) if isinstance(wanted, dict) else None
        target = next((s for s in STATUSES if s.transition_id == wanted_id), None)
        if target is None or wanted_id in self.state.withheld_transitions:
            raise HttpError(400, [f"Transition id '{wanted_id}' is not valid for this issue."])
        errors: dict[str, str] = {}
        resolution = None
        for name, value in (body.get("fields") or {}).items():
            if name == "resolution" and target.category is CATEGORY_DONE:
                resolution = find_named(RESOLUTIONS, value)
                if resolution is None:
                    errors["resolution"] = f"Resolution '{value}' is not valid."
            else:
                errors[name] = (
                    f"Field '{name}' cannot be set. It is not on the appropriate "
                    "screen, or unknown."
                )
        comment = None
        for op in (body.get("update") or {}).get("comment", []):
            comment = self._rich_input(call, (op.get("add") or {}).get("body"), "comment", errors)
        if errors:
            raise HttpError(400, errors=errors)
        self.state.apply_transition(issue, target, resolution, comment, call.user)
        return Reply(204)

    # --- comments and remote links ------------------------------------------------------------

    @route("GET", "/issue/{issueIdOrKey}/comment")
    def get_comments(self, call: _Call) -> Reply:
        issue = self._issue(call)
        start = call.int_arg("startAt", 0)
        limit = min(call.int_arg("maxResults", 5000), 5000)
        with self.state.lock:
            comments = [call.render.comment(issue, c) for c in issue.comments]
        return Reply(
            200,
            {
                "startAt": start,
                "maxResults": limit,
                "total": len(comments),
                "comments": comments[start : start + limit],
            },
        )

    @route("POST", "/issue/{issueIdOrKey}/comment")
    def add_comment(self, call: _Call) -> Reply:
        issue = self._issue(call)
        errors: dict[str, str] = {}
        body = self._rich_input(call, self._body(call).get("body"), "comment", errors)
        if body is None:
            errors["comment"] = "Comment body can not be empty!"
        if errors:
            raise HttpError(400, errors=errors)
        comment = self.state.add_comment(issue.key, body, call.user)
        with self.state.lock:
            return Reply(201, call.render.comment(issue, comment))

    @route("GET", "/issue/{issueIdOrKey}/remotelink")
    def get_remote_links(self, call: _Call) -> Reply:
        issue = self._issue(call)
        global_id = call.arg("globalId")
        with self.state.lock:
            links = [call.render.remote_link(issue, x) for x in issue.remote_links]
        if global_id is None:
            return Reply(200, links)
        match = next((x for x in links if x.get("globalId") == global_id), None)
        if match is None:
            raise HttpError(404, [f"No remote link with globalId '{global_id}'."])
        return Reply(200, match)

    @route("GET", "/issue/{issueIdOrKey}/remotelink/{linkId}")
    def get_remote_link(self, call: _Call) -> Reply:
        issue = self._issue(call)
        with self.state.lock:
            for link in issue.remote_links:
                if str(link.id) == call.params["linkId"]:
                    return Reply(200, call.render.remote_link(issue, link))
        raise HttpError(404, [f"No remote link with id '{call.params['linkId']}'."])

    @route("POST", "/issue/{issueIdOrKey}/remotelink")
    def upsert_remote_link(self, call: _Call) -> Reply:
        issue = self._issue(call)
        try:
            link, created = self.state.upsert_remote_link(issue.key, self._body(call))
        except FieldErrors as exc:
            raise HttpError(400, errors=exc.errors) from None
        return Reply(
            201 if created else 200,
            {"id": link.id, "self": f"{call.render.api}/issue/{issue.key}/remotelink/{link.id}"},
        )


def _make_handler(fake: FakeJira) -> type[BaseHTTPRequestHandler]:
    class _Handler(FakeHandler):
        server_version = "FakeJira"

        def fake_now(self) -> dt.datetime:
            return fake.state.clock()

        def _handle(self) -> None:
            arrived = fake.monotonic()
            parts = urlsplit(self.path)
            path = parts.path.rstrip("/") or "/"
            query = parse_qs(parts.query, keep_blank_values=True)
            body = self._read_body()
            fault = fake.faults.decide(self.command, path)
            fake.wait(fake.faults.latency)
            endpoint: str | None = None

            def answer() -> Reply:
                nonlocal endpoint
                reply, endpoint = self._answer(path, query, body)
                return reply

            reply, garbage = self.answer_through(fake, fault, self._fault_reply, answer)
            # Logged before answering, so a client that has its answer finds its request here.
            fake.record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    query=query,
                    body=body,
                    headers=redact_headers(dict(self.headers.items())),
                    status=self.answered_status(reply, garbage),
                    at=arrived,
                    connection=self.connection_label(),
                    endpoint=endpoint,
                    fault=fault.kind if fault else None,
                )
            )
            self.send_answer(fake, reply, garbage, "application/json;charset=UTF-8")

        def _answer(
            self, path: str, query: dict[str, list[str]], body: Any
        ) -> tuple[Reply, str | None]:
            try:
                user = fake.authenticate(self.headers.get("Authorization"), path)
                call = _Call(
                    self.command, "", {}, query, body, user, Renderer(fake.url, "2", fake.mode)
                )
                return fake.dispatch(self.command, path, call)
            except HttpError as exc:
                return Reply(exc.status, exc.body, tuple(exc.headers.items())), None

        @staticmethod
        def _fault_reply(fault: Fault) -> Reply:
            headers: tuple[tuple[str, str], ...] = ()
            if fault.retry_after is not None:
                headers = (("Retry-After", str(fault.retry_after)),)
            if fault.kind == "405":
                # As Jira's REST layer (or a proxy) answers a method it does not allow:
                # no body, the methods it does allow in Allow.
                return Reply(405, None, (("Allow", "GET,HEAD,OPTIONS"),))
            message = {
                "429": "Rate limit exceeded.",
                "500": "Internal server error.",
                "502": "Bad gateway.",
                "503": "Service unavailable.",
            }[fault.kind]
            return Reply(int(fault.kind), {"errorMessages": [message], "errors": {}}, headers)

    return _Handler


def _with_properties(
    rendered: dict[str, Any], issue: Any, requested: list[str] | None
) -> dict[str, Any]:
    """Jira returns the issue properties a read asks for (``properties=a,b``) under
    ``properties``, those the issue holds."""
    if requested:
        wanted = {name.strip() for name in requested}
        rendered["properties"] = {k: v for k, v in issue.properties.items() if k in wanted}
    return rendered
