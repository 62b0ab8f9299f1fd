"""The GitHub tracker: syncd's ``Tracker`` role on GitHub Issues (github.com and Enterprise Server).

Costs, in requests: nothing at construction. ``changed_since``: one conditional list request
(``If-None-Match`` with the previous ETag; a 304 is free of rate limit) when nothing changed,
else one per 100 issues updated since the cursor, plus one comments request per issue closed as
not planned. ``find_markers``: no search API (30 requests a minute, an index that lags): the
team's issues are listed, all of them the first time in a tracker's life (a cycle), then only
those updated since the previous listing, one request per 100; the duplicate guard after a
cycle's creates lists only the issues updated since its first create (one request per 100).
``get``: one per key, plus one for its comments when its body holds no marker (an adopted
issue's marker is in a comment). ``create``: one ``POST`` per issue (GitHub has no bulk
create), serial and paced, plus one ``GET`` to name the reason when GitHub silently dropped an
assignee. Updates: one ``PATCH`` (one ``GET`` before it when the body changes), one ``POST`` to
add labels. Adopting a person's issue: one ``GET``, its comments, one ``POST`` of the comment
holding the marker. ``due_dates: milestone``: one list of milestones per cycle, one ``POST`` per
new due date. ``link_postmortem`` costs nothing: the link is in the body.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, urlsplit

from connectors.github import answers
from connectors.github import issues as gh
from connectors.github.connection import (
    PAGE_SIZE,
    Answer,
    GitHubConnection,
    RefusedError,
    content_type,
    is_github_answer,
)
from connectors.github.listing import pages
from connectors.github.milestones import Milestones
from connectors.github.people import HANDLE, TYPE, login_of
from connectors.github.settings import GitHubSettings
from syncd.connector.http import (
    AuthError,
    HttpError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    TransientError,
)
from syncd.connector.logs import get_logger
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import PersonHandle
from syncd.connector.tracker import (
    LABELS_TO_ADD,
    AssigneeLookup,
    ChangedIssues,
    CreateIssue,
    CreateResult,
    IssueReference,
    IssueSnapshot,
    Person,
    TrackerContext,
    is_syncd_text,
)

T = TypeVar("T")

# Issues updated this long before the cursor are read again: clocks and GitHub's own
# eventual consistency. Generous on purpose; the cost is a few issues read twice.
SAFETY_MARGIN = timedelta(minutes=5)

# The comment that carries syncd's marker on a person's issue it adopted.
ADOPTION_NOTE = (
    "syncd follows this issue for an action item of a postmortem: it reads its status back. "
    "Its title and description stay yours; syncd never writes them."
)

# GitHub's names of issue fields in a 422, as the mirror names them.
_MIRROR_FIELD = {"assignees": "assignee", "assignee": "assignee", "milestone": "due"}


class GitHubTracker:
    """Mirrors action items into GitHub Issues of one repository.

    Each issue carries a hidden ``<!-- syncd:item=<id> -->`` marker in its body and the due date
    as a ``Due:`` line or a milestone.
    """

    kind: ClassVar[ConnectorKind] = "tracker"
    Settings: ClassVar[type[GitHubSettings]] = GitHubSettings
    type: ClassVar[str] = TYPE
    handle: ClassVar[PersonHandle] = HANDLE  # people.<name>.github: a login

    system: str = "github"
    # GitHub has no bulk create: a batch is the unit of the executor's duplicate guard.
    create_batch_size: int = 10

    def __init__(self, settings: GitHubSettings, context: TrackerContext) -> None:
        self.settings = settings
        self.labels: frozenset[str] = frozenset(settings.labels)
        self._repo = settings.repo
        self._connection = GitHubConnection(settings, context)
        self._reader = gh.IssueReader(self._repo, self.labels, settings.due_dates)
        self._milestones = Milestones(self._connection, self._repo)
        self._etag: str | None = None
        # The team's issues by number, as last listed, for marker look-ups; and when (on
        # GitHub's clock) the listing that filled it began.
        self._index: dict[int, dict[str, Any]] | None = None
        self._index_read_at: datetime | None = None
        self._assignable: dict[str, bool | None] = {}
        self._first_created: datetime | None = None  # GitHub's time of our first create
        self._log: Any = get_logger(team=context.team, connector="github")

    # --- markers and settings ------------------------------------------------------------------

    def marker(self, item_id: str) -> str:
        return gh.marker_line(item_id)

    def item_id_of_marker(self, marker: str) -> str | None:
        return gh.item_id_of_marker(marker)

    @property
    def priority_map(self) -> Mapping[str, str]:
        return {}  # GitHub issues have no priority

    def issue_url(self, key: str) -> str:
        repo, _, number = key.rpartition("#")
        return f"{_web_url(self.settings.api_url)}/{repo or self._repo}/issues/{number}"

    def reference(self, system: str, key: str, url: str | None) -> IssueReference:
        """Only an issue of the team's repository, on this server, is the team's
        (``ScopesReferences``); a pull request is refused when it is adopted."""
        if system != "github":
            where = (
                f"{key} is a {system} issue, and this team's issues are in GitHub ({self._repo})"
            )
            return IssueReference(key, None, url, where)
        hosts = {
            urlsplit(self.settings.api_url).netloc,
            urlsplit(_web_url(self.settings.api_url)).netloc,
        }
        host = urlsplit(url).netloc if url else None
        if host is not None and host.casefold() not in {h.casefold() for h in hosts}:
            where = f"{key} is on another GitHub server ({host})"
            return IssueReference(key, None, url, where)
        number = gh.issue_number(key, self._repo)
        if number is None:
            repo = key.rpartition("#")[0] or "another repository"
            where = f"{key} is in repository {repo}, not {self._repo}"
            return IssueReference(key, None, url or self.issue_url(key), where)
        own = gh.issue_key(self._repo, number)
        return IssueReference(key, own, url or self.issue_url(own))

    def use_etag(self, etag: str | None) -> None:
        """The ETag of the previous cycle's read (``ConditionalReads``)."""
        self._etag = etag

    @property
    def etag(self) -> str | None:
        return self._etag

    # --- reads ---------------------------------------------------------------------------------

    def assignee(self, person: Person) -> AssigneeLookup:
        if (login := login_of(person)) is not None:
            return AssigneeLookup(login)
        return AssigneeLookup(None, problem=f"{person.key}: no GitHub login in the people map")

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        params = self._list_params(None if since is None else since - SAFETY_MARGIN)
        headers = {"If-None-Match": self._etag} if self._etag else None
        first = self._in_repository(
            lambda: self._connection.get(
                self._issues_path, params, headers, expect=answers.list_of(answers.listed_issue)
            )
        )
        if first.not_modified:
            # Nothing changed since the read the ETag stands for; it cost no rate limit. The
            # cursor stays where it is, so the next read asks the same question again.
            self._log.debug("github.not_modified")
            return ChangedIssues(snapshots={}, newest_updated=since, etag=self._etag)
        started = len(self._connection.server_times) - 1
        listed = self._team_issues(
            pages(
                self._connection,
                self._issues_path,
                params,
                first=first,
                expect=answers.listed_issue,
            )
        )
        if since is None:
            # A full read: every marked issue is in it, so marker look-ups start from here.
            self._index = {int(i["number"]): i for i in listed}
            self._index_read_at = self._server_time(started)
        snapshots = self._snapshots(listed)
        newest = max((s.updated for s in snapshots.values()), default=None)
        self._etag = first.headers.get("etag") or None
        # No ``read_at``: the cursor moves only with a change, so an unchanged repository is
        # asked the same question (same URL) and the ETag answers it with a free 304.
        return ChangedIssues(snapshots=snapshots, newest_updated=newest, etag=self._etag)

    def find_markers(
        self, item_ids: Collection[str], *, created_this_cycle: bool = False
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        wanted = set(item_ids)
        found: dict[str, list[IssueSnapshot]] = {i: [] for i in sorted(wanted)}
        if not wanted:
            return found
        if created_this_cycle and self._first_created is not None:
            # A duplicate of an issue created since then was created (so updated) since then
            # too: one listing of what changed since, not of every issue ever listed.
            since = self._first_created - SAFETY_MARGIN
            listed = self._in_repository(
                lambda: self._team_issues(
                    pages(self._connection, self._issues_path, self._list_params(since))
                )
            )
            candidates: Iterable[dict[str, Any]] = listed
        else:
            candidates = self._refreshed_index().values()
        hits = [i for i in candidates if wanted & set(gh.markers_in(i.get("body")))]
        snapshots = self._snapshots(hits)
        for issue in hits:
            snapshot = snapshots[gh.issue_key(self._repo, int(issue["number"]))]
            for item_id in dict.fromkeys(gh.markers_in(issue.get("body"))):
                if item_id in wanted:
                    found[item_id].append(snapshot)
        return found

    def check(self) -> str:
        """That ``api_url`` is a GitHub API, the token, and what it may do in the repository
        (``check --online``)."""
        server = self._github_api()
        path = f"/repos/{self._repo}"
        repo = self._in_repository(
            lambda: self._connection.get(path, expect=answers.repository)
        ).data
        permissions = repo.get("permissions") or {}
        allowed = [p for p in ("admin", "maintain", "push", "triage", "pull") if permissions.get(p)]
        if not (permissions.get("push") or permissions.get("triage")):
            return (
                f"{server}; {self._repo} visible, but the token may only "
                f"{', '.join(allowed) or 'read'}: GitHub will silently drop assignees, labels "
                "and milestones"
            )
        return f"{server}; {self._repo} visible; the token may {', '.join(allowed)}"

    def _github_api(self) -> str:
        """Ask ``GET /meta`` whether ``api_url`` is a GitHub API; which one, in words."""
        meta = self._connection.answer("GET", "/meta", expect=answers.meta)
        data = meta.data if isinstance(meta.data, Mapping) else {}
        if not is_github_answer(meta) and "verifiable_password_authentication" not in data:
            raise self._connection.not_github(
                "GET",
                "/meta",
                meta.status,
                "its answer has no X-GitHub-Media-Type header, and is not GitHub's meta "
                f"document ({content_type(meta.headers)})",
            )
        if meta.status >= 400:
            self._connection.request("GET", "/meta")  # raises the refusal (a bad token: 401)
        version = data.get("installed_version")
        kind = f"GitHub Enterprise Server {version}" if version else "GitHub"
        return f"{kind} API at {self.settings.api_url}"

    def _in_repository(self, read: Callable[[], T]) -> T:
        """A read of the team's repository; a 404 names it, and why it may be."""
        try:
            return read()
        except RefusedError as exc:
            if exc.status != 404:
                raise
            raise NotFoundError(
                f"GitHub has no repository {self._repo} at {self.settings.api_url}, or the "
                "token cannot see it (GitHub answers 404 for a private repository the token "
                "may not read): check tracker.repo, and the token's access to the repository",
                service="github",
                method=exc.method,
                url=exc.url,
                status=exc.status,
            ) from None

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        read: dict[str, dict[str, Any]] = {}
        for key in sorted(set(keys)):
            number = gh.issue_number(key, self._repo)
            if number is None:
                self._log.warning("github.key_of_another_repository", key=key, repo=self._repo)
                continue
            issue = self._issue(number)
            if issue is not None and not gh.is_pull_request(issue):
                read[key] = issue
        snapshots = self._snapshots(read.values())
        out = {}
        for key, issue in read.items():
            snapshot = snapshots[gh.issue_key(self._repo, int(issue["number"]))]
            if not snapshot.markers:
                # A person's issue syncd adopted carries its marker in a comment, not in the
                # body: read alone, an issue is read whole, so no claim on it goes unseen.
                claimed = self._comment_markers(int(issue["number"]))
                if claimed:
                    snapshot = dataclasses.replace(
                        snapshot, item_id=claimed[0], markers=frozenset(claimed)
                    )
            out[key] = snapshot
        return out

    def _comment_markers(self, number: int) -> list[str]:
        found: list[str] = []
        path = f"{self._issues_path}/{number}/comments"
        for page in pages(self._connection, path, {"per_page": PAGE_SIZE}):
            for comment in page:
                found += [m for m in gh.markers_in(comment.get("body")) if m not in found]
        return found

    def _issue(self, number: int) -> dict[str, Any] | None:
        try:
            path = f"{self._issues_path}/{number}"
            return dict(self._connection.get(path, expect=answers.listed_issue).data)
        except RefusedError as exc:
            if exc.status in (404, 410):  # no such issue, or deleted
                return None
            raise

    def _refreshed_index(self) -> dict[int, dict[str, Any]]:
        """The team's issues by number, brought up to date with one listing of what changed."""
        since = None if self._index_read_at is None else self._index_read_at - SAFETY_MARGIN
        index = {} if self._index is None or since is None else self._index
        params = self._list_params(since)
        started = len(self._connection.server_times)
        listed = self._in_repository(
            lambda: self._team_issues(
                pages(self._connection, self._issues_path, params, expect=answers.listed_issue)
            )
        )
        for issue in listed:
            index[int(issue["number"])] = issue
        self._index = index
        self._index_read_at = self._server_time(started)
        return index

    def _list_params(self, since: datetime | None) -> dict[str, Any]:
        # Newest first: any change puts an issue on the first page, so a 304 on the first page
        # means nothing changed at all.
        params: dict[str, Any] = {
            "state": "all",
            "sort": "updated",
            "direction": "desc",
            "per_page": PAGE_SIZE,
        }
        if self.labels:
            params["labels"] = ",".join(sorted(self.labels))  # issues carrying all of them
        if since is not None:
            params["since"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    def _team_issues(self, listed: Iterable[list[Any]]) -> list[dict[str, Any]]:
        """Issues (not pull requests) of the team: with its labels, or, without labels
        configured, with a marker."""
        out = []
        for page in listed:
            for issue in page:
                if not isinstance(issue, dict) or gh.is_pull_request(issue):
                    continue
                if not self.labels and not gh.markers_in(issue.get("body")):
                    continue
                out.append(issue)
        return out

    def _snapshots(self, issues: Iterable[Mapping[str, Any]]) -> dict[str, IssueSnapshot]:
        """Snapshots by key; comments are read only for issues closed as not planned."""
        out = {}
        for issue in issues:
            explained = gh.needs_closure_comments(issue) and self._commented_after_closing(issue)
            snapshot = self._reader.snapshot(issue, closure_explained=explained)
            out[snapshot.key] = snapshot
        return out

    def _commented_after_closing(self, issue: Mapping[str, Any]) -> bool:
        closed_at = issue.get("closed_at")
        params: dict[str, Any] = {"per_page": PAGE_SIZE}
        if closed_at:
            params["since"] = str(closed_at)
        path = f"{self._issues_path}/{int(issue['number'])}/comments"
        closed = gh.parse_time(str(closed_at)) if closed_at else None
        for page in pages(self._connection, path, params, expect=answers.json_object):
            for comment in page:
                created = comment.get("created_at")
                if closed is None or (created and gh.parse_time(str(created)) >= closed):
                    return True
        return False

    def _server_time(self, index: int) -> datetime | None:
        times = self._connection.server_times
        return times[index] if 0 <= index < len(times) else None

    # --- writes --------------------------------------------------------------------------------

    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        if len(issues) > self.create_batch_size:
            raise ValueError(f"at most {self.create_batch_size} issues per batch")
        results: list[CreateResult] = []
        for position, create in enumerate(issues):
            try:
                payload = self._create_payload(create)
                answer = self._connection.post(self._issues_path, payload, expect=answers.issue)
            except RefusedError as exc:
                refused = frozenset(_MIRROR_FIELD.get(f, f) for f in exc.fields)
                results.append(
                    CreateResult(create.item_id, None, error=exc.reason, refused_fields=refused)
                )
                continue
            except RateLimitedError as exc:
                if not results:
                    raise  # nothing sent: the executor defers the rest of its creates
                # The budget is spent: the rest waits for a later cycle, nothing was sent.
                results += [CreateResult(c.item_id, None, deferred=exc) for c in issues[position:]]
                break
            except TransientError as exc:
                if not any(r.key for r in results):
                    raise  # nothing created: the executor tries the batch again next cycle
                # Some of the batch exist: report the rest as not created, never the batch.
                results += [
                    CreateResult(c.item_id, None, error=f"not created this cycle: {exc.reason}")
                    for c in issues[position:]
                ]
                break
            results.append(self._created(create, answer.data, payload))
        return results

    def _create_payload(self, create: CreateIssue) -> dict[str, Any]:
        fields = create.fields
        in_body = self.settings.due_dates == "body"
        payload: dict[str, Any] = {
            "title": fields.summary,
            "body": gh.compose_body(
                fields.description, fields.due if in_body else None, create.marker, create.origin
            ),
            "labels": sorted(self.labels | fields.labels),
        }
        if fields.assignee is not None:
            payload["assignees"] = [fields.assignee]
        if fields.due is not None and not in_body:
            payload["milestone"] = self._milestones.number_for(fields.due)
        return payload

    def _created(
        self, create: CreateIssue, issue: Mapping[str, Any], payload: Mapping[str, Any]
    ) -> CreateResult:
        """The result of one create, comparing what GitHub holds with what was sent: GitHub
        drops an assignee, labels or a milestone the token cannot set, without an error."""
        key = gh.issue_key(self._repo, int(issue["number"]))
        url = str(issue.get("html_url") or self.issue_url(key))
        if issue.get("created_at"):
            created = gh.parse_time(str(issue["created_at"]))
            if self._first_created is None or created < self._first_created:
                self._first_created = created
        held = self._reader.snapshot(issue, closure_explained=False).fields
        sent = create.fields
        dropped: dict[str, object] = {}
        logins = {str(a.get("login", "")).casefold() for a in issue.get("assignees") or []}
        if sent.assignee is not None and sent.assignee.casefold() not in logins:
            dropped["assignee"] = held.assignee
        if not sent.labels <= held.labels:
            dropped["labels"] = sent.labels & held.labels
        if (
            "milestone" in payload
            and (issue.get("milestone") or {}).get("number") != payload["milestone"]
        ):
            dropped["due"] = held.due
        if not dropped:
            return CreateResult(create.item_id, key, url)
        reason = self._drop_reason(set(dropped), sent.assignee)
        self._log.warning(
            "github.fields_dropped", item=create.item_id, key=key, fields=sorted(dropped)
        )
        return CreateResult(
            create.item_id,
            key,
            url,
            error=reason,
            dropped_fields=frozenset(dropped),
            held_fields=dataclasses.replace(sent, **dropped),  # type: ignore[arg-type]
        )

    def _drop_reason(self, dropped: set[str], login: str | None) -> str:
        reasons = []
        if "assignee" in dropped and login is not None:
            assignable = self._is_assignable(login)
            if assignable is False:
                reasons.append(
                    f"{login} is not a collaborator of {self._repo} "
                    "(GitHub assigns collaborators only)"
                )
            else:
                reasons.append(f"the token cannot set assignees in {self._repo}")
        if "labels" in dropped:
            reasons.append(f"the token cannot set labels in {self._repo}")
        if "due" in dropped:
            reasons.append(f"the token cannot set milestones in {self._repo}")
        text = "; ".join(reasons)
        if any(r.startswith("the token") for r in reasons):
            text += " (it needs triage or write access to the repository)"
        return f"GitHub dropped it without an error: {text}"

    def _is_assignable(self, login: str) -> bool | None:
        """Whether ``login`` can be assigned in the repository; None when GitHub did not say."""
        if login not in self._assignable:
            try:
                self._connection.get(f"/repos/{self._repo}/assignees/{quote(login, safe='')}")
                self._assignable[login] = True
            except RefusedError as exc:
                self._assignable[login] = False if exc.status == 404 else None
            except AuthError:
                raise
            except HttpError:
                self._assignable[login] = None
        return self._assignable[login]

    def update(self, key: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        number = self._own_number(key)
        patch: dict[str, Any] = {}
        body_changes: dict[str, Any] = {}
        add_labels: list[str] = []
        for name, value in changes.items():
            if name == "summary":
                patch["title"] = str(value)
            elif name == "description":
                body_changes["description"] = str(value)
            elif name == "assignee":
                if value is None:
                    raise ValueError("syncd never clears an assignee: no None assignee change")
                patch["assignees"] = [str(value)]
            elif name == "due":
                due = _due(value)
                if self.settings.due_dates == "body":
                    body_changes["due"] = due
                else:
                    patch["milestone"] = None if due is None else self._milestones.number_for(due)
            elif name == LABELS_TO_ADD:
                if not isinstance(value, Collection) or isinstance(value, str):
                    raise TypeError(f"{LABELS_TO_ADD} must be a collection of labels")
                add_labels = sorted(str(label) for label in value)
            elif name == "priority":
                continue  # GitHub issues have no priority (the priority map is empty)
            else:
                raise ValueError(f"syncd does not write the field {name!r} to GitHub")
        path = f"{self._issues_path}/{number}"
        if body_changes:
            current = self._existing_issue(key, number)
            patch["body"] = gh.with_body_changes(current.get("body"), **body_changes)
        dropped: dict[str, str] = {}
        if patch:
            answer = self._on_issue(
                number, lambda: self._connection.patch(path, patch, expect=answers.issue)
            )
            dropped = self._dropped_assignee(key, patch, answer)
        if add_labels:
            labels = {"labels": add_labels}
            self._on_issue(number, lambda: self._connection.post(f"{path}/labels", labels))
        return dropped

    def _dropped_assignee(
        self, key: str, patch: Mapping[str, Any], answer: Answer
    ) -> dict[str, str]:
        if "assignees" not in patch or not isinstance(answer.data, Mapping):
            return {}
        logins = {str(a.get("login", "")).casefold() for a in answer.data.get("assignees") or []}
        login = str(patch["assignees"][0])
        if login.casefold() in logins:
            return {}
        # Read back next cycle as a person's change: kept, and not sent again.
        self._log.warning("github.assignee_dropped", key=key, login=login)
        return {
            "assignee": f"GitHub did not assign {login} (not a collaborator of "
            f"{self.settings.repo}, or the token may not assign)"
        }

    def adopt(self, key: str, *, add_labels: Collection[str], marker: str | None) -> None:
        """Labels, and the marker: in the body when the body is syncd's own, else in a comment.

        A person's body is never written, not even to append a hidden line: a PATCH of the body
        replaces it whole, and would undo an edit the person made meanwhile.
        """
        number = self._own_number(key)
        path = f"{self._issues_path}/{number}"
        current = self._existing_issue(key, number)
        if add_labels:
            self._connection.post(f"{path}/labels", {"labels": sorted(add_labels)})
        if not marker:
            return
        body = current.get("body")
        if is_syncd_text(gh.parse_body(body).description):
            marked = gh.with_marker(body, marker)
            if marked != (body or ""):
                self._connection.patch(path, {"body": marked})
            return
        if gh.item_id_of_marker(marker) in self._comment_markers(number):
            return
        self._connection.post(f"{path}/comments", {"body": f"{ADOPTION_NOTE}\n\n{marker}"})

    def _on_issue(self, number: int, action: Callable[[], T]) -> T:
        """A request about one issue; GitHub's 404 said in words."""
        try:
            return action()
        except RefusedError as exc:
            if exc.status not in (404, 410):
                raise
            raise self._no_issue(number, exc.method, exc.status) from None

    def _no_issue(self, number: int, method: str, status: int | None) -> NotFoundError:
        return NotFoundError(
            f"{self._repo} has no issue #{number}, or the token cannot see it",
            service="github",
            method=method,
            url=self._connection.url(f"{self._issues_path}/{number}"),
            status=status,
        )

    def _existing_issue(self, key: str, number: int) -> dict[str, Any]:
        """The issue ``number``, read to be written; ``NotFoundError`` in words when it is not
        there, and a refusal when it is a pull request."""
        current = self._on_issue(number, lambda: self._issue(number))
        path = f"{self._issues_path}/{number}"
        if current is None:
            raise self._no_issue(number, "GET", 404)
        if gh.is_pull_request(current):
            raise PermanentError(
                f"{key} is a pull request of {self._repo}, not an issue",
                service="github",
                method="GET",
                url=self._connection.url(path),
                status=200,
            )
        return current

    def link_postmortem(self, key: str, *, item_id: str, url: str, title: str) -> None:
        """Nothing to send: the link to the postmortem is part of the issue's body."""

    def close(self) -> None:
        self._connection.close()

    # --- helpers -------------------------------------------------------------------------------

    @property
    def _issues_path(self) -> str:
        return f"/repos/{self._repo}/issues"

    def _own_number(self, key: str) -> int:
        number = gh.issue_number(key, self._repo)
        if number is None:
            raise PermanentError(
                f"{key} is in another repository than the team's ({self._repo}); syncd only "
                "mirrors into the team's repository",
                service="github",
                method="PATCH",
                url=self.issue_url(key),
            )
        return number


def _due(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    raise TypeError(f"due must be a date or None, not {type(value).__name__}")


def _web_url(api_url: str) -> str:
    """github.com's web address for ``https://api.github.com``; Enterprise Server's for
    ``https://ghe.example.com/api/v3``."""
    parts = urlsplit(api_url)
    host = parts.netloc
    path = parts.path.rstrip("/")
    if path.endswith("/api/v3"):
        return f"{parts.scheme}://{host}{path[: -len('/api/v3')]}"
    if host.startswith("api."):
        host = host[len("api.") :]
    return f"{parts.scheme}://{host}"
