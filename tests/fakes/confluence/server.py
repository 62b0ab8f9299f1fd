"""A fake Confluence on loopback: Cloud's REST v2 (under ``/wiki/api/v2``, basic e-mail:token)
or Data Center's ``/rest/api/content`` (bearer personal access token), stateful, with the
shared fault plan (429 with Retry-After, 5xx, dropped connections) and request log.

Cloud answers are checked against Atlassian's v2 description (``contract.py``); Data Center
has no official description here, so its shapes follow Atlassian's REST documentation and are
checked by hand in the tests (``test_fake_confluence_contract.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.confluence.state import ConfluenceState, Page
from tests.fakes.faults import Fault, FaultPlan
from tests.fakes.jira.server import RecordedRequest
from tests.fakes.loopback_fake import FakeHandler, LoopbackFake
from tests.fakes.routing import Reply, Routes, redact_headers

CLOUD_API = "/wiki/api/v2"
DC_API = "/rest/api"
CLOUD_ROUTES = Routes()  # under CLOUD_API
DC_ROUTES = Routes()  # under DC_API
CLOUD_MAX_LIMIT = 250
# Data Center caps a content search's limit silently, by what it expands (Atlassian KB
# "Searching for content with the REST API and CQL always limits results to 50"): 50 with the
# body, 200 with any other expansion, 1,000 with none.
DC_MAX_LIMIT = 200
DC_MAX_LIMIT_BARE = 1_000
DC_MAX_LIMIT_BODY = 50
_ORDER_BY = re.compile(r"\s+ORDER\s+BY\s+lastmodified\s+(DESC|ASC)\s*$", re.I)
_CQL_TERM = re.compile(r'^\s*(type|space|label|ancestor)\s*=\s*("(?:[^"\\]|\\.)*"|\w+)\s*$', re.I)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message


@dataclass
class _Call:
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any = None  # a PUT's JSON

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def list_arg(self, name: str) -> list[str]:
        return [part for value in self.query.get(name, []) for part in value.split(",") if part]

    def int_arg(self, name: str, default: int) -> int:
        raw = self.arg(name)
        if raw is None:
            return default
        if not re.fullmatch(r"-?\d+", raw):
            raise Refused(400, f"{name} must be a number")
        return int(raw)


class FakeConfluence(LoopbackFake):
    """Use as a context manager; ``state`` holds the pages; ``faults`` plans failures."""

    thread_name = "fake-confluence"

    def __init__(
        self,
        mode: str = "cloud",
        *,
        email: str = "syncd-bot@example.com",
        token: str = "fake-confluence-api-token",
        pat: str = "fake-confluence-personal-access-token",
        clock: Callable[[], dt.datetime] = _utc_now,
        latency: float = 0.0,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.email = email
        self.token = token
        self.pat = pat
        self.state = ConfluenceState(clock)
        self.faults = FaultPlan(latency=latency)
        # Fewer results an answer than asked for, as a server may give: for paging tests.
        self.page_cap: int | None = None
        # Called with the page before an update is checked: a test saves the page "by a
        # person" here, between syncd's read and its write (a concurrent edit).
        self.before_update: Callable[[Page], None] | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def url(self) -> str:
        """The base URL a team file gives: ``…/wiki`` on Cloud, the site root on Data Center."""
        return self.root_url + ("/wiki" if self.mode == "cloud" else "")

    @property
    def secret(self) -> str:
        return self.token if self.mode == "cloud" else self.pat

    def page_reads(self) -> list[Any]:
        """Requests for one page's body (not listings)."""
        pattern = re.compile(r"^(/wiki/api/v2/pages|/rest/api/content)/\d+$")
        return [r for r in self.requests if pattern.match(r.path)]

    # --- request handling ---------------------------------------------------------------------

    def authenticate(self, header: str | None) -> None:
        scheme, _, credentials = (header or "").partition(" ")
        if self.mode == "cloud" and scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials).decode()
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            if decoded == f"{self.email}:{self.token}":
                return
        if self.mode == "datacenter" and scheme.lower() == "bearer" and credentials == self.pat:
            return
        raise Refused(401, "Unauthorized; scope does not match")

    def dispatch(
        self,
        path: str,
        query: dict[str, list[str]],
        authorization: str | None,
        method: str = "GET",
        body: Any = None,
    ) -> tuple[Reply, str | None]:
        prefix, routes = (CLOUD_API, CLOUD_ROUTES) if self.mode == "cloud" else (DC_API, DC_ROUTES)
        if not path.startswith(prefix + "/"):
            return self.error(404, f"no such path: {path}"), None
        found = routes.find(method, path[len(prefix) :])
        if isinstance(found, list):
            return self.error(405 if found else 404, f"no such path: {path}"), None
        endpoint = f"{method} {prefix}{found.route.template}"
        try:
            self.authenticate(authorization)
            handler = getattr(FakeConfluence, found.route.handler)
            reply: Reply = handler(self, _Call(found.params, query, body))
            return reply, endpoint
        except Refused as exc:
            return self.error(exc.status, exc.message), endpoint

    def error(self, status: int, message: str) -> Reply:
        if self.mode == "cloud":
            code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}.get(status, "ERROR")
            return Reply(status, {"errors": [{"status": status, "code": code, "title": message}]})
        return Reply(status, {"statusCode": status, "data": {}, "message": message})

    # --- Cloud v2 -----------------------------------------------------------------------------

    def _cloud_list(self, call: _Call, path: str, items: list[Any]) -> Reply:
        limit = call.int_arg("limit", 25)
        if not 1 <= limit <= CLOUD_MAX_LIMIT:
            raise Refused(400, f"limit must be between 1 and {CLOUD_MAX_LIMIT}")
        limit = min(limit, self.page_cap or limit)
        cursor = call.arg("cursor")
        try:
            start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
        except ValueError:
            raise Refused(400, "invalid cursor") from None
        body: dict[str, Any] = {"results": items[start : start + limit], "_links": {}}
        headers: tuple[tuple[str, str], ...] = ()
        if start + limit < len(items):
            following = {k: v for k, v in call.query.items() if k != "cursor"}
            following["cursor"] = [base64.urlsafe_b64encode(str(start + limit).encode()).decode()]
            link = f"{CLOUD_API}{path}?{urlencode(following, doseq=True)}"
            body["_links"]["next"] = link
            headers = (("Link", f'<{link}>; rel="next"'),)
        body["_links"]["base"] = self.url
        return Reply(200, body, headers)

    @CLOUD_ROUTES.route("GET", "/spaces")
    def cloud_spaces(self, call: _Call) -> Reply:
        keys = call.list_arg("keys")
        spaces = [s for s in self.state.spaces.values() if not keys or s.key in keys]
        rendered = [
            {"id": s.id, "key": s.key, "name": s.name, "type": "global", "status": "current"}
            for s in spaces
        ]
        return self._cloud_list(call, "/spaces", rendered)

    @CLOUD_ROUTES.route("GET", "/spaces/{id}/pages")
    def cloud_space_pages(self, call: _Call) -> Reply:
        space = self.state.space_by_id(call.params["id"])
        if space is None:
            raise Refused(404, "space not found")
        statuses = call.list_arg("status") or ["current", "archived"]
        pages = [
            self.state.cloud_page(p, body=call.arg("body-format") == "storage")
            for p in self.state.pages.values()
            if p.space is space and p.status in statuses
        ]
        return self._cloud_list(call, f"/spaces/{space.id}/pages", pages)

    @CLOUD_ROUTES.route("GET", "/pages/{id}")
    def cloud_page(self, call: _Call) -> Reply:
        page = self._readable(call.params["id"], call.list_arg("status") or ["current", "archived"])
        return Reply(200, self.state.cloud_page(page, body=call.arg("body-format") == "storage"))

    @CLOUD_ROUTES.route("GET", "/labels")
    def cloud_labels(self, call: _Call) -> Reply:
        labels = [
            {"id": label_id, "name": name, "prefix": "global"}
            for name, label_id in self.state.label_ids.items()
        ]
        return self._cloud_list(call, "/labels", labels)

    @CLOUD_ROUTES.route("GET", "/labels/{id}/pages")
    def cloud_label_pages(self, call: _Call) -> Reply:
        names = [n for n, i in self.state.label_ids.items() if i == call.params["id"]]
        if not names:
            raise Refused(404, "label not found")
        spaces = call.list_arg("space-id")
        pages = [
            self.state.cloud_page(p, body=False)
            for p in self.state.pages.values()
            if names[0] in p.labels
            and p.status == "current"
            and (not spaces or p.space.id in spaces)
        ]
        return self._cloud_list(call, f"/labels/{call.params['id']}/pages", pages)

    @CLOUD_ROUTES.route("PUT", "/pages/{id}")
    def cloud_update(self, call: _Call) -> Reply:
        page = self._updated(call, lambda b: _field(b, "body", "value"))
        return Reply(200, self.state.cloud_page(page, body=False))

    def _updated(self, call: _Call, body_of: Callable[[dict[str, Any]], Any]) -> Page:
        """A page update as Confluence checks it: the next version number, or 409."""
        page = self._readable(call.params["id"], ["current"])
        sent = call.body
        if not isinstance(sent, dict) or not isinstance(sent.get("title"), str):
            raise Refused(400, "a page update needs its title")
        value, number = body_of(sent), _field(sent, "version", "number")
        if not isinstance(value, str) or not isinstance(number, int):
            raise Refused(400, "a page update needs its body and version.number")
        if self.before_update is not None:
            self.before_update(page)
        if number != page.version + 1:
            raise Refused(
                409, f"Version must be incremented when updating a page (at {page.version})"
            )
        page.body, page.title, page.version = value, sent["title"], number
        page.modified = self.state.clock()
        return page

    def _readable(self, page_id: str, statuses: list[str]) -> Page:
        page = self.state.pages.get(page_id)
        wanted = "any" in statuses or (page is not None and page.status in statuses)
        if page is None or page.vanished or not wanted:
            raise Refused(404, f"page {page_id} not found")
        if page.restricted:
            raise Refused(403, "the user may not view this page")
        return page

    # --- Data Center --------------------------------------------------------------------------

    def _dc_list(self, call: _Call, path: str, pages: list[Page], expand: list[str]) -> Reply:
        start = max(0, call.int_arg("start", 0))
        cap = DC_MAX_LIMIT_BODY if "body.storage" in expand else DC_MAX_LIMIT
        cap = DC_MAX_LIMIT_BARE if not expand else cap
        limit = min(max(1, call.int_arg("limit", 25)), cap, self.page_cap or cap)
        chosen = pages[start : start + limit]
        results = [
            self.state.dc_page(p, self.root_url, body="body.storage" in expand) for p in chosen
        ]
        links: dict[str, str] = {"base": self.root_url, "context": ""}
        if start + limit < len(pages):
            following = {k: v for k, v in call.query.items() if k != "start"}
            following["start"] = [str(start + limit)]
            links["next"] = f"{DC_API}{path}?{urlencode(following, doseq=True)}"
        body = {"results": results, "start": start, "limit": limit, "size": len(results)}
        return Reply(200, {**body, "_links": links})

    @DC_ROUTES.route("GET", "/content/search")
    def dc_search(self, call: _Call) -> Reply:
        wanted: dict[str, str] = {}
        cql = call.arg("cql") or ""
        order = _ORDER_BY.search(cql)
        cql = cql[: order.start()] if order else cql
        for term in re.split(r"\s+AND\s+", cql, flags=re.I):
            match = _CQL_TERM.match(term)
            if match is None:
                raise Refused(400, "Could not parse cql")
            value = match.group(2)
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            wanted[match.group(1).lower()] = value
        pages = [p for p in self.state.pages.values() if self._matches(p, wanted)]
        if order:
            pages.sort(key=lambda p: p.modified, reverse=order.group(1).upper() == "DESC")
        return self._dc_list(call, "/content/search", pages, call.list_arg("expand"))

    def _matches(self, page: Page, wanted: dict[str, str]) -> bool:
        return (
            page.status == "current"
            and wanted.get("type", "page") == "page"
            and wanted.get("space", page.space.key) == page.space.key
            and ("label" not in wanted or wanted["label"] in page.labels)
            and ("ancestor" not in wanted or wanted["ancestor"] in self.state.ancestors(page))
        )

    @DC_ROUTES.route("GET", "/content")
    def dc_content(self, call: _Call) -> Reply:
        key, title = call.arg("spaceKey"), call.arg("title")
        pages = [
            p
            for p in self.state.pages.values()
            if p.status == "current"
            and (key is None or p.space.key == key)
            and (title is None or p.title == title)
        ]
        return self._dc_list(call, "/content", pages, call.list_arg("expand"))

    @DC_ROUTES.route("GET", "/space/{key}")
    def dc_space(self, call: _Call) -> Reply:
        space = self.state.spaces.get(call.params["key"])
        if space is None:
            raise Refused(404, f"No space with key : {call.params['key']}")
        body = {"id": int(space.id), "key": space.key, "name": space.name, "type": "global"}
        return Reply(200, {**body, "_links": {"webui": f"/display/{space.key}"}})

    @DC_ROUTES.route("PUT", "/content/{id}")
    def dc_update(self, call: _Call) -> Reply:
        if isinstance(call.body, dict) and call.body.get("type") != "page":
            raise Refused(400, "type must be page")
        page = self._updated(call, lambda b: _field(b, "body", "storage", "value"))
        return Reply(200, self.state.dc_page(page, self.root_url, body=False))

    @DC_ROUTES.route("GET", "/content/{id}")
    def dc_page(self, call: _Call) -> Reply:
        page = self._readable(call.params["id"], call.list_arg("status") or ["current"])
        expand = call.list_arg("expand")
        return Reply(200, self.state.dc_page(page, self.root_url, body="body.storage" in expand))


def _make_handler(fake: FakeConfluence) -> type[BaseHTTPRequestHandler]:
    class _Handler(FakeHandler):
        server_version = "FakeConfluence"

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
                if self.command not in ("GET", "PUT"):
                    return fake.error(405, "only GET and PUT are served")
                reply, endpoint = fake.dispatch(
                    path, query, self.headers.get("Authorization"), self.command, body
                )
                return reply

            reply, garbage = self.answer_through(fake, fault, _fault_reply, answer)
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

    return _Handler


def _field(data: dict[str, Any], *path: str) -> Any:
    value: Any = data
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _fault_reply(fault: Fault) -> Reply:
    headers: tuple[tuple[str, str], ...] = ()
    if fault.retry_after is not None:
        headers = (("Retry-After", str(fault.retry_after)),)
    if fault.kind == "405":
        return Reply(405, None, (("Allow", "GET"),))
    return Reply(int(fault.kind), {"message": f"fault {fault.kind}"}, headers)
