"""FakeGitHub: the stateful fake GitHub REST API served over loopback HTTP.

The real PyGithub client (and syncd's connector on top of it) talks to this server exactly as
it would to GitHub Enterprise Server: `github.Github(base_url=fake.url, auth=Auth.Token(...))`
where `fake.url` is `http://127.0.0.1:<port>/api/v3` (paths without the `/api/v3` prefix are
served too, github.com style). Same paths, JSON shapes, error shapes, ETags and 304s, rate-limit
headers, primary and secondary limit answers, and the silent drop of what a token may not set.
Every request is logged (Authorization redacted) so tests can count, check against the spec and
assert timing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from tests.fakes.faults import Fault, FaultPlan
from tests.fakes.github.limits import (
    PRIMARY_DOCS,
    PRIMARY_MESSAGE,
    SECONDARY_DOCS,
    SECONDARY_MESSAGE,
    LimitHit,
    PrimaryLimit,
    RateLimiter,
    SecondaryLimits,
)
from tests.fakes.github.render import (
    Renderer,
    api_overview,
    pull_request,
    rate_limit_overview,
)
from tests.fakes.github.state import (
    PERMISSIONS,
    Drop,
    GitHubState,
    Issue,
    NotFound,
    Repo,
    User,
    ValidationFailed,
    can,
    system_clock,
)
from tests.fakes.loopback_fake import FakeHandler, LoopbackFake
from tests.fakes.routing import Reply, Routes, redact_headers
from tests.support.socket_owner import owner_of_port

API_PREFIX = "/api/v3"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 30
_DOCS = "https://docs.github.com/rest"


class HttpError(Exception):
    """An answer other than success, in GitHub's error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        docs: str = _DOCS,
    ) -> None:
        super().__init__(status, message)
        self.status = status
        self.body: dict[str, Any] = {
            "message": message,
            "documentation_url": docs,
            "status": str(status),
        }
        if errors is not None:
            self.body["errors"] = errors
        self.headers = headers or {}


def _not_found() -> HttpError:
    return HttpError(404, "Not Found")


@dataclass(frozen=True)
class Identity:
    """Who a token is, and its role on the fake's repositories."""

    user: User
    permission: str  # "read" (triage-less: the silent drop) | "triage" | "write" | ...


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # as sent, prefix included
    api_path: str  # without the `/api/v3` prefix: what the spec's paths describe
    query: dict[str, list[str]]
    body: Any  # parsed JSON, or the raw text when it was not JSON, or None
    headers: dict[str, str]  # Authorization redacted
    status: int | None  # None: the connection was dropped without an answer
    at: float  # the fake's monotonic clock on arrival
    endpoint: str | None  # "POST /repos/{owner}/{repo}/issues"; None for unknown paths
    fault: str | None  # the injected fault kind, if any
    connection: str = ""  # the client's address and port: which keep-alive connection carried it
    limited: str | None = None  # "primary" | "secondary" when a rate limit refused it
    client_pid: int | None = None  # the sending process, for writes when ``attribute_writes``


@dataclass
class _Call:
    """What a route handler gets: the parsed request, the caller, the rendered-URL base."""

    method: str
    api_path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    identity: Identity
    render: Renderer
    extra_headers: list[tuple[str, str]] = field(default_factory=list)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_arg(self, name: str, default: int) -> int:
        raw = self.arg(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise _invalid(name, raw) from None

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.arg(name, default) or default
        if value not in allowed:
            raise _invalid(name, value)
        return value

    @property
    def user(self) -> User:
        return self.identity.user


def _invalid(name: str, value: str) -> HttpError:
    return HttpError(
        422,
        "Validation Failed",
        errors=[{"resource": "Search", "field": name, "code": "invalid", "value": value}],
    )


Handler = Callable[["FakeGitHub", _Call], Reply]
ROUTES = Routes()  # without the API prefix
route = ROUTES.route


class FakeGitHub(LoopbackFake):
    """A fake GitHub on 127.0.0.1:<free port>. Use as a context manager, or start()/stop().

    One repository (`repo`, default `acme/payments`) exists from the start, with a few pull
    requests mixed into its issue numbers as on a real repository, the bot as its member and
    `token` authenticating as the bot with `permission` ("write" by default; "read" is the
    triage-less token whose labels, assignees and milestones are silently dropped).
    """

    def __init__(
        self,
        *,
        repo: str = "acme/payments",
        login: str = "syncd-bot",
        token: str = "ghp_fakeToken0000000000000000000000000000",
        permission: str = "write",
        clock: Callable[[], dt.datetime] = system_clock,
        latency: float = 0.0,
        primary: PrimaryLimit | None = None,
        secondary: SecondaryLimits | None = None,
        pull_requests: int = 3,
        enterprise_version: str | None = None,
    ) -> None:
        super().__init__()
        # None: github.com; a version ("3.14.2"): an Enterprise Server (`GET /meta` says so).
        self.enterprise_version = enterprise_version
        # Record which local process sent each write (``socket_owner``): the proofs with
        # several syncd processes then know who made an issue, not only when it arrived.
        self.attribute_writes: Callable[[], Iterable[int]] | None = None  # candidate pids
        self.state = GitHubState(clock)
        self.faults = FaultPlan(latency=latency)
        self.limits = RateLimiter(
            primary or PrimaryLimit(), secondary or SecondaryLimits(), clock=clock
        )
        self.token = token
        self.bot = self.state.add_user(login, "syncd", f"{login}@users.noreply.example.com")
        self._tokens: dict[str, Identity] = {}
        self.add_token(token, login, permission)
        self.repo: Repo = self.state.add_repo(repo)
        self.state.add_collaborator(self.repo, login)
        for n in range(pull_requests):
            self.state.create_issue(
                self.repo, f"Bump dependency {n + 1}", self.bot, pull_request=True
            )

    # --- lifecycle ----------------------------------------------------------------------------

    thread_name = "fake-github"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    @property
    def url(self) -> str:
        """The API base URL to give PyGithub (`base_url`), GitHub Enterprise Server style."""
        return self.root_url + API_PREFIX

    # --- set-up -------------------------------------------------------------------------------

    def add_token(self, token: str, login: str, permission: str = "write") -> Identity:
        """Another credential: `login` (created if new) with a role on every repository."""
        if permission not in PERMISSIONS:
            raise ValueError(f"permission must be one of {PERMISSIONS}, not {permission!r}")
        identity = Identity(self.state.add_user(login), permission)
        self._tokens[token] = identity
        return identity

    def set_permission(self, permission: str, token: str | None = None) -> None:
        """Change a token's role (default: the bot's), e.g. to "read" for the silent drop."""
        key = token or self.token
        self.add_token(key, self._tokens[key].user.login, permission)

    # --- what tests inspect -------------------------------------------------------------------

    @property
    def secondary_hits(self) -> list[LimitHit]:
        """Every request a secondary limit refused: empty for a well-behaved client."""
        return self.limits.secondary_hits()

    @property
    def drops(self) -> list[Drop]:
        """Every assignee, label or milestone silently left out, and why."""
        with self.state.lock:
            return list(self.state.drops)

    # --- request handling (called from the handler threads) ---------------------------------

    def authenticate(self, header: str | None) -> Identity:
        scheme, _, credentials = (header or "").partition(" ")
        if scheme.lower() in ("token", "bearer"):
            identity = self._tokens.get(credentials.strip())
            if identity is not None:
                return identity
        if header is None:
            raise HttpError(401, "Requires authentication")
        raise HttpError(401, "Bad credentials")

    def match(self, method: str, api_path: str) -> tuple[str, str, dict[str, str]]:
        """(handler name, endpoint, path parameters); GitHub answers 404 to anything else."""
        found = ROUTES.find(method, api_path)
        if isinstance(found, list):
            raise _not_found()
        params = {k: unquote(v) for k, v in found.params.items()}
        return found.route.handler, f"{method} {found.route.template}", params

    # --- helpers for handlers -----------------------------------------------------------------

    def _repo(self, call: _Call) -> Repo:
        try:
            return self.state.repo(call.params["owner"], call.params["repo"])
        except NotFound:
            raise _not_found() from None

    def _issue(self, call: _Call) -> tuple[Repo, Issue]:
        repo = self._repo(call)
        try:
            return repo, self.state.issue(repo, _number(call.params["issue_number"]))
        except NotFound:
            raise _not_found() from None

    def _body(self, call: _Call) -> dict[str, Any]:
        if not isinstance(call.body, dict):
            raise HttpError(400, "Problems parsing JSON")
        return call.body

    def _require(self, call: _Call, role: str, message: str) -> None:
        if not can(call.identity.permission, role):
            raise HttpError(403, message)

    def _page(self, call: _Call, items: list[Any]) -> list[Any]:
        """One page of `items` (`per_page` ≤ 100, `page` from 1) and its `Link` header."""
        per_page = max(1, min(call.int_arg("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE))
        page = max(1, call.int_arg("page", 1))
        last = max(1, -(-len(items) // per_page))
        links = []
        base = {k: v[-1] for k, v in call.query.items() if k not in ("page", "per_page")}

        def link(number: int, rel: str) -> str:
            query = urlencode({**base, "per_page": per_page, "page": number})
            return f'<{self.url}{call.api_path}?{query}>; rel="{rel}"'

        if page > 1:
            links += [link(min(page - 1, last), "prev"), link(1, "first")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if links:
            call.extra_headers.append(("Link", ", ".join(links)))
        return items[(page - 1) * per_page : page * per_page]

    def _created(self, call: _Call, body: dict[str, Any]) -> Reply:
        return Reply(201, body, (("Location", body["url"]),))

    # --- meta -----------------------------------------------------------------------------------

    @route("GET", "/user")
    def get_authenticated_user(self, call: _Call) -> Reply:
        with self.state.lock:
            return Reply(200, call.render.private_user(call.user))

    @route("GET", "/users/{username}")
    def get_user(self, call: _Call) -> Reply:
        try:
            user = self.state.user(call.params["username"])
        except NotFound:
            raise _not_found() from None
        with self.state.lock:
            out = call.render.private_user(user)
        for private in (
            "private_gists",
            "total_private_repos",
            "owned_private_repos",
            "disk_usage",
            "collaborators",
            "two_factor_authentication",
        ):
            out.pop(private)
        out["user_view_type"] = "public"
        return Reply(200, out)

    @route("GET", "/meta")
    def get_meta(self, call: _Call) -> Reply:
        return Reply(200, api_overview(self.enterprise_version))

    @route("GET", "/rate_limit")
    def get_rate_limit(self, call: _Call) -> Reply:
        limit, remaining, used, reset = self.limits.snapshot()
        return Reply(200, rate_limit_overview(limit, remaining, used, reset))

    @route("GET", "/repos/{owner}/{repo}")
    def get_repo(self, call: _Call) -> Reply:
        repo = self._repo(call)
        with self.state.lock:
            return Reply(200, call.render.repo(repo, call.identity.permission))

    # --- people on the repository -----------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/assignees")
    def list_assignees(self, call: _Call) -> Reply:
        repo = self._repo(call)
        with self.state.lock:
            people = [self.state.user(login) for login in repo.collaborators]
            if repo.owner.type == "User":
                people.append(repo.owner)
            users = [call.render.simple_user(u) for u in sorted(people, key=lambda u: u.id)]
        return Reply(200, self._page(call, users))

    @route("GET", "/repos/{owner}/{repo}/assignees/{assignee}")
    def check_assignee(self, call: _Call) -> Reply:
        repo = self._repo(call)
        if self.state.is_assignable(repo, call.params["assignee"]):
            return Reply(204)
        raise _not_found()

    @route("GET", "/repos/{owner}/{repo}/collaborators/{username}")
    def check_collaborator(self, call: _Call) -> Reply:
        repo = self._repo(call)
        self._require(call, "write", "Must have push access to view repository collaborators.")
        if self.state.is_assignable(repo, call.params["username"]):
            return Reply(204)
        return Reply(404)

    # --- issues ---------------------------------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/issues")
    def list_issues(self, call: _Call) -> Reply:
        repo = self._repo(call)
        labels = call.arg("labels")
        since_raw = call.arg("since")
        since = None
        if since_raw:
            try:
                since = dt.datetime.fromisoformat(since_raw)
            except ValueError:
                raise _invalid("since", since_raw) from None
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
        found = self.state.list_issues(
            repo,
            state=call.choice("state", "open", ("open", "closed", "all")),
            labels=[x.strip() for x in labels.split(",") if x.strip()] if labels else None,
            since=since,
            sort=call.choice("sort", "created", ("created", "updated", "comments")),
            direction=call.choice("direction", "desc", ("asc", "desc")),
            milestone=call.arg("milestone"),
            assignee=call.arg("assignee"),
            creator=call.arg("creator"),
        )
        page = self._page(call, found)
        with self.state.lock:
            return Reply(200, [call.render.issue(repo, issue) for issue in page])

    @route("POST", "/repos/{owner}/{repo}/issues")
    def create_issue(self, call: _Call) -> Reply:
        repo = self._repo(call)
        body = self._body(call)
        title = body.get("title")
        if isinstance(title, int) and not isinstance(title, bool):
            title = str(title)
        if not isinstance(title, str):
            raise HttpError(
                422,
                "Validation Failed",
                errors=[{"resource": "Issue", "field": "title", "code": "missing_field"}],
            )
        assignees = _logins(body)
        try:
            issue = self.state.create_issue(
                repo,
                title,
                call.user,
                permission=call.identity.permission,
                body=_optional_str(body, "body"),
                assignees=assignees or (),
                labels=_label_names(body.get("labels")) or (),
                milestone=_milestone_number(body.get("milestone")),
            )
        except ValidationFailed as exc:
            raise HttpError(422, "Validation Failed", errors=[exc.error]) from None
        with self.state.lock:
            return self._created(call, call.render.issue(repo, issue))

    # --- pull requests (write-back's proposals) -----------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/pulls")
    def list_pulls(self, call: _Call) -> Reply:
        repo = self._repo(call)
        found = self.state.pulls(
            repo,
            state=call.choice("state", "open", ("open", "closed", "all")),
            head=call.arg("head"),
            base=call.arg("base"),
        )
        page = self._page(call, found)
        with self.state.lock:
            return Reply(200, [pull_request(call.render, repo, p, full=False) for p in page])

    @route("POST", "/repos/{owner}/{repo}/pulls")
    def create_pull(self, call: _Call) -> Reply:
        repo = self._repo(call)
        body = self._body(call)
        self._require(call, "write", "Resource not accessible by integration")
        head, base, title = body.get("head"), body.get("base"), body.get("title")
        if not isinstance(head, str) or not isinstance(base, str):
            raise HttpError(
                422,
                "Validation Failed",
                errors=[{"resource": "PullRequest", "field": "head", "code": "missing_field"}],
            )
        text = body.get("body")
        try:
            pull = self.state.open_pull(
                repo,
                title if isinstance(title, str) else "",
                call.user,
                head=head.split(":", 1)[-1],
                base=base,
                body=text if isinstance(text, str) else None,
            )
        except ValidationFailed as exc:
            raise HttpError(422, "Validation Failed", errors=[exc.error]) from None
        with self.state.lock:
            return self._created(call, pull_request(call.render, repo, pull, full=True))

    @route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
    def get_issue(self, call: _Call) -> Reply:
        repo, issue = self._issue(call)
        with self.state.lock:
            return Reply(200, call.render.issue(repo, issue))

    @route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}")
    def edit_issue(self, call: _Call) -> Reply:
        repo, issue = self._issue(call)
        body = self._body(call)
        changes: dict[str, Any] = {}
        if "title" in body and body["title"] is not None:
            changes["title"] = str(body["title"])
        if "body" in body:
            changes["body"] = _optional_str(body, "body")
        if "state" in body and body["state"] is not None:
            changes["state"] = body["state"]
        if "state_reason" in body:
            changes["state_reason"] = body["state_reason"]
        if "milestone" in body:
            changes["milestone"] = _milestone_number(body["milestone"])
        if "labels" in body:
            changes["labels"] = _label_names(body["labels"]) or []
        logins = _logins(body)
        if logins is not None:
            changes["assignees"] = logins
        try:
            self.state.edit_issue(
                repo, issue.number, call.user, permission=call.identity.permission, **changes
            )
        except ValidationFailed as exc:
            raise HttpError(422, "Validation Failed", errors=[exc.error]) from None
        with self.state.lock:
            return Reply(200, call.render.issue(repo, issue))

    @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def add_issue_labels(self, call: _Call) -> Reply:
        repo, issue = self._issue(call)
        raw = call.body.get("labels") if isinstance(call.body, dict) else call.body
        names = _label_names(raw)
        if names is None:
            raise HttpError(
                422,
                'Invalid request.\n\nNo subschema in "anyOf" matched.',
                errors=[{"resource": "Label", "field": "labels", "code": "invalid"}],
            )
        self.state.add_labels(repo, issue.number, names, permission=call.identity.permission)
        with self.state.lock:
            return Reply(200, [call.render.label(repo, label) for label in issue.labels])

    # --- comments -------------------------------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def list_comments(self, call: _Call) -> Reply:
        repo, issue = self._issue(call)
        since_raw = call.arg("since")
        with self.state.lock:
            comments = list(issue.comments)
        if since_raw:
            try:
                since = dt.datetime.fromisoformat(since_raw)
            except ValueError:
                raise _invalid("since", since_raw) from None
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
            comments = [c for c in comments if c.updated >= since]
        with self.state.lock:
            rendered = [call.render.comment(repo, issue, c) for c in comments]
        return Reply(200, self._page(call, rendered))

    @route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
    def add_comment(self, call: _Call) -> Reply:
        repo, issue = self._issue(call)
        text = self._body(call).get("body")
        if not isinstance(text, str):
            raise HttpError(
                422,
                "Validation Failed",
                errors=[{"resource": "IssueComment", "field": "body", "code": "missing_field"}],
            )
        try:
            comment = self.state.add_comment(repo, issue.number, text, call.user)
        except ValidationFailed as exc:
            raise HttpError(422, "Validation Failed", errors=[exc.error]) from None
        with self.state.lock:
            return self._created(call, call.render.comment(repo, issue, comment))

    # --- labels ---------------------------------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/labels")
    def list_labels(self, call: _Call) -> Reply:
        repo = self._repo(call)
        with self.state.lock:
            labels = sorted(repo.labels.values(), key=lambda x: x.name.lower())
            rendered = [call.render.label(repo, label) for label in labels]
        return Reply(200, self._page(call, rendered))

    @route("GET", "/repos/{owner}/{repo}/labels/{name}")
    def get_label(self, call: _Call) -> Reply:
        repo = self._repo(call)
        try:
            label = self.state.label(repo, call.params["name"])
        except NotFound:
            raise _not_found() from None
        return Reply(200, call.render.label(repo, label))

    @route("POST", "/repos/{owner}/{repo}/labels")
    def create_label(self, call: _Call) -> Reply:
        repo = self._repo(call)
        self._require(call, "triage", "Must have triage access to repository.")
        body = self._body(call)
        name = body.get("name")
        if not isinstance(name, str):
            raise HttpError(
                422,
                "Validation Failed",
                errors=[{"resource": "Label", "field": "name", "code": "missing_field"}],
            )
        color = str(body.get("color") or "ededed").lstrip("#")
        try:
            label = self.state.create_label(repo, name, color, _optional_str(body, "description"))
        except ValidationFailed as exc:
            raise HttpError(422, "Validation Failed", errors=[exc.error]) from None
        return self._created(call, call.render.label(repo, label))

    # --- milestones -----------------------------------------------------------------------------

    @route("GET", "/repos/{owner}/{repo}/milestones")
    def list_milestones(self, call: _Call) -> Reply:
        repo = self._repo(call)
        state = call.choice("state", "open", ("open", "closed", "all"))
        sort = call.choice("sort", "due_on", ("due_on", "completeness"))
        direction = call.choice("direction", "asc", ("asc", "desc"))
        with self.state.lock:
            found = [m for m in repo.milestones.values() if state in ("all", m.state)]
            if sort == "due_on":
                found.sort(key=lambda m: (m.due_on is None, m.due_on or dt.date.min, m.number))
            else:
                found.sort(key=lambda m: m.number)
            if direction == "desc":
                found.reverse()
            rendered = [call.render.milestone(repo, m) for m in found]
        return Reply(200, self._page(call, rendered))

    @route("GET", "/repos/{owner}/{repo}/milestones/{milestone_number}")
    def get_milestone(self, call: _Call) -> Reply:
        repo = self._repo(call)
        try:
            milestone = self.state.milestone(repo, _number(call.params["milestone_number"]))
        except NotFound:
            raise _not_found() from None
        with self.state.lock:
            return Reply(200, call.render.milestone(repo, milestone))

    @route("POST", "/repos/{owner}/{repo}/milestones")
    def create_milestone(self, call: _Call) -> Reply:
        repo = self._repo(call)
        self._require(call, "triage", "Must have triage access to repository.")
        body = self._body(call)
        title = body.get("title")
        if not isinstance(title, str) or not title.strip():
            raise HttpError(
                422,
                "Validation Failed",
                errors=[{"resource": "Milestone", "field": "title", "code": "missing_field"}],
            )
        state = body.get("state") or "open"
        if state not in ("open", "closed"):
            raise _invalid("state", str(state))
        try:
            milestone = self.state.create_milestone(
                repo,
                title,
                call.user,
                due_on=_due_on(body.get("due_on")),
                description=_optional_str(body, "description"),
                state=state,
            )
        except ValidationFailed as exc:
            raise HttpError(422, "Validation Failed", errors=[exc.error]) from None
        with self.state.lock:
            return self._created(call, call.render.milestone(repo, milestone))

    @route("PATCH", "/repos/{owner}/{repo}/milestones/{milestone_number}")
    def edit_milestone(self, call: _Call) -> Reply:
        repo = self._repo(call)
        self._require(call, "triage", "Must have triage access to repository.")
        try:
            milestone = self.state.milestone(repo, _number(call.params["milestone_number"]))
        except NotFound:
            raise _not_found() from None
        body = self._body(call)
        changes: dict[str, Any] = {}
        if isinstance(body.get("title"), str):
            changes["title"] = body["title"]
        if body.get("state") is not None:
            if body["state"] not in ("open", "closed"):
                raise _invalid("state", str(body["state"]))
            changes["state"] = body["state"]
        if "description" in body:
            changes["description"] = _optional_str(body, "description")
        if "due_on" in body:
            changes["due_on"] = _due_on(body["due_on"])
        self.state.edit_milestone(milestone, **changes)
        with self.state.lock:
            return Reply(200, call.render.milestone(repo, milestone))


# --- request-body helpers ---------------------------------------------------------------------


def _number(raw: str) -> int:
    if not raw.isdigit():
        raise _not_found()
    return int(raw)


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    return None if value is None else str(value)


def _logins(body: dict[str, Any]) -> list[str] | None:
    """`assignees` (a list of logins), else the deprecated single `assignee`; None: untouched."""
    if "assignees" in body:
        value = body["assignees"]
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise HttpError(
                422,
                "Validation Failed",
                errors=[{"resource": "Issue", "field": "assignees", "code": "invalid"}],
            )
        return list(value)
    if "assignee" in body:
        value = body["assignee"]
        return [] if value in (None, "") else [str(value)]
    return None


def _label_names(value: Any) -> list[str] | None:
    """Labels as GitHub takes them: names, or objects with a `name`; None when malformed."""
    if value is None:
        return None
    if not isinstance(value, list):
        return None
    names = []
    for item in value:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(item["name"])
        else:
            return None
    return names


def _milestone_number(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise HttpError(
            422,
            "Validation Failed",
            errors=[{"resource": "Issue", "field": "milestone", "code": "invalid"}],
        )
    try:
        return int(value)
    except (TypeError, ValueError):
        raise HttpError(
            422,
            "Validation Failed",
            errors=[{"resource": "Issue", "field": "milestone", "code": "invalid"}],
        ) from None


def _due_on(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        raise HttpError(
            422,
            "Validation Failed",
            errors=[{"resource": "Milestone", "field": "due_on", "code": "invalid"}],
        ) from None


# --- HTTP plumbing ------------------------------------------------------------------------------


def _etag(identity: Identity, body: Any, link: str | None) -> str:
    """A weak ETag over what the caller would see: the body, its pages, and who is asking."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(identity.user.login.encode())
    digest.update(json.dumps(body, sort_keys=True).encode())
    digest.update((link or "").encode())
    return f'W/"{digest.hexdigest()}"'


def _etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison: `W/` prefixes are ignored, `*` matches all."""
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


_FAULT_MESSAGES = {
    "405": "Method Not Allowed",
    "429": "API rate limit exceeded.",
    "500": "Server Error",
    "502": "Server Error",
    "503": "Service Unavailable",
}


def _make_handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class _Handler(FakeHandler):
        server_version = "GitHub.com"

        def fake_now(self) -> dt.datetime:
            return fake.state.clock()

        def _handle(self) -> None:
            in_flight = fake.limits.enter()
            try:
                self._handle_counted(in_flight)
            finally:
                fake.limits.leave()

        def _handle_counted(self, in_flight: int) -> None:
            arrived = fake.monotonic()
            parts = urlsplit(self.path)
            path = parts.path.rstrip("/") or "/"
            api_path = path.removeprefix(API_PREFIX) or "/"
            query = parse_qs(parts.query, keep_blank_values=True)
            body = self._read_body()
            fault = fake.faults.decide(self.command, api_path)
            fake.wait(fake.faults.latency)
            endpoint: str | None = None
            limited: str | None = None

            def answer() -> Reply:
                nonlocal endpoint, limited
                reply, endpoint, limited = self._answer(api_path, query, body, in_flight)
                return reply

            reply, garbage = self.answer_through(fake, fault, self._fault_reply, answer)
            # Logged before answering, so a client that has its answer finds its request here.
            fake.record(
                RecordedRequest(
                    method=self.command,
                    path=path,
                    api_path=api_path,
                    query=query,
                    body=body,
                    headers=redact_headers(dict(self.headers.items())),
                    status=self.answered_status(reply, garbage),
                    at=arrived,
                    connection=self.connection_label(),
                    endpoint=endpoint,
                    fault=fault.kind if fault else None,
                    limited=limited,
                    client_pid=self._sender() if self.command != "GET" else None,
                )
            )
            self.send_answer(fake, reply, garbage, "application/json; charset=utf-8")

        def _sender(self) -> int | None:
            if fake.attribute_writes is None:
                return None
            return owner_of_port(int(self.client_address[1]), fake.attribute_writes())

        def _answer(
            self, api_path: str, query: dict[str, list[str]], body: Any, in_flight: int
        ) -> tuple[Reply, str | None, str | None]:
            """(reply, endpoint, which rate limit refused it if one did)."""
            method = self.command
            try:
                identity = fake.authenticate(self.headers.get("Authorization"))
                matched = fake.match(method, api_path)
            except HttpError as exc:
                return Reply(exc.status, exc.body, self._with_limits(exc.headers)), None, None
            name, endpoint, params = matched
            free = endpoint == "GET /rate_limit"  # GitHub: checking the budget costs none
            if not free and fake.limits.primary_exhausted(method, api_path):
                return self._primary_refusal(identity), endpoint, "primary"
            retry_after = fake.limits.check_secondary(method, api_path, in_flight)
            if retry_after is not None:
                return self._secondary_refusal(retry_after), endpoint, "secondary"
            call = _Call(method, api_path, params, query, body, identity, Renderer(fake.root_url))
            handler: Handler = getattr(FakeGitHub, name)
            try:
                reply = handler(fake, call)
            except HttpError as exc:
                reply = Reply(exc.status, exc.body, tuple(exc.headers.items()))
            headers = list(reply.headers) + call.extra_headers
            headers.append(("X-GitHub-Request-Id", uuid.uuid4().hex[:20].upper()))
            if 200 <= reply.status < 300 and reply.body is not None:
                link = next((v for k, v in headers if k == "Link"), None)
                etag = _etag(identity, reply.body, link)
                headers += [("ETag", etag), ("Cache-Control", "private, max-age=60, s-maxage=60")]
                if method == "GET" and _etag_matches(self.headers.get("If-None-Match"), etag):
                    # Not modified: no body, and no charge against the primary budget.
                    keep = [(k, v) for k, v in headers if k in ("ETag", "Cache-Control", "Link")]
                    return Reply(304, None, self._with_limits(dict(keep))), endpoint, None
            if not free:
                fake.limits.charge()
            return Reply(reply.status, reply.body, self._with_limits(dict(headers))), endpoint, None

        @staticmethod
        def _with_limits(headers: dict[str, str]) -> tuple[tuple[str, str], ...]:
            return (
                *headers.items(),
                *fake.limits.headers(),
                ("X-GitHub-Media-Type", "github.v3; format=json"),
                ("X-GitHub-Api-Version-Selected", "2022-11-28"),
                ("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"),
            )

        def _primary_refusal(self, identity: Identity) -> Reply:
            request_id = uuid.uuid4().hex[:20].upper()
            message = PRIMARY_MESSAGE.format(user_id=identity.user.id, request_id=request_id)
            body = {"message": message, "documentation_url": PRIMARY_DOCS}
            status = fake.limits.primary.status
            return Reply(status, body, self._with_limits({"X-GitHub-Request-Id": request_id}))

        def _secondary_refusal(self, retry_after: int) -> Reply:
            request_id = uuid.uuid4().hex[:20].upper()
            body = {
                "message": SECONDARY_MESSAGE.format(request_id=request_id),
                "documentation_url": SECONDARY_DOCS,
            }
            headers = {"Retry-After": str(retry_after), "X-GitHub-Request-Id": request_id}
            return Reply(403, body, self._with_limits(headers))

        def _fault_reply(self, fault: Fault) -> Reply:
            headers: dict[str, str] = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            body = {"message": _FAULT_MESSAGES[fault.kind], "documentation_url": _DOCS}
            return Reply(int(fault.kind), body, self._with_limits(headers))

    return _Handler
