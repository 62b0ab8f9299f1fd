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

import contextlib
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from connectors.github import answers, repository
from connectors.github import issues as gh
from connectors.github.access_check import check_access
from connectors.github.connection import Answer, GitHubConnection, RefusedError
from connectors.github.issue_creation import IssueCreation
from connectors.github.issue_reads import IssueReads
from connectors.github.milestones import Milestones
from connectors.github.nudges import nudge_comment_body
from connectors.github.people import HANDLE, TYPE, login_of
from connectors.github.quoting import quoted_markdown
from connectors.github.settings import GitHubSettings
from syncd.connector.http import NotFoundError, PermanentError
from syncd.connector.logs import get_logger
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import PersonHandle
from syncd.connector.tracker import (
    KEEP,
    AssigneeLookup,
    ChangedIssues,
    CreateIssue,
    CreateResult,
    FieldChanges,
    IssueReference,
    IssueSnapshot,
    Person,
    TrackerContext,
    is_syncd_text,
)

T = TypeVar("T")

# The comment that carries syncd's marker on a person's issue it adopted.
ADOPTION_NOTE = (
    "syncd follows this issue for an action item of a postmortem: it reads its status back. "
    "Its title and description stay yours; syncd never writes them."
)


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
        self._log: Any = get_logger(team=context.team, connector="github")
        reader = gh.IssueReader(self._repo, self.labels, settings.due_dates)
        milestones = Milestones(self._connection, self._repo)
        self._milestones = milestones
        self._reads = IssueReads(
            self._connection, settings.api_url, self._repo, self.labels, reader, self._log
        )
        self._creation = IssueCreation(settings, self._connection, reader, milestones, self._log)

    # --- markers and settings ------------------------------------------------------------------

    def marker(self, item_id: str) -> str:
        return gh.marker_line(item_id)

    def item_id_of_marker(self, marker: str) -> str | None:
        return gh.item_id_of_marker(marker)

    @property
    def priority_map(self) -> Mapping[str, str]:
        return {}  # GitHub issues have no priority

    def issue_url(self, key: str) -> str:
        return repository.issue_url(self.settings.api_url, self._repo, key)

    def reference(self, system: str, key: str, url: str | None) -> IssueReference:
        """Only an issue of the team's repository, on this server, is the team's
        (``ScopesReferences``); a pull request is refused when it is adopted."""
        return repository.reference(self.settings.api_url, self._repo, system, key, url)

    def use_etag(self, etag: str | None) -> None:
        """The ETag of the previous cycle's read (``ConditionalReads``)."""
        self._reads.etag = etag

    @property
    def etag(self) -> str | None:
        return self._reads.etag

    # --- reads ---------------------------------------------------------------------------------

    def assignee(self, person: Person) -> AssigneeLookup:
        if (login := login_of(person)) is not None:
            return AssigneeLookup(login)
        return AssigneeLookup(None, problem=f"{person.key}: no GitHub login in the people map")

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        return self._reads.changed_since(since)

    def find_markers(
        self, item_ids: Collection[str], *, created_this_cycle: bool = False
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        since = self._creation.first_created if created_this_cycle else None
        return self._reads.find_markers(item_ids, first_created=since)

    def own_account(self) -> str:
        """The login syncd writes as (``KnowsOwnAccount``): events it caused are its own."""
        return str(self._connection.get("/user", expect=answers.account).data["login"])

    def check(self) -> str:
        """That ``api_url`` is a GitHub API, the token, and what it may do in the repository
        (``check --online``)."""
        return check_access(self._connection, self.settings.api_url, self._repo)

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        return self._reads.get(keys)

    # --- writes --------------------------------------------------------------------------------
    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        if len(issues) > self.create_batch_size:
            raise ValueError(f"at most {self.create_batch_size} issues per batch")
        return self._creation.create(issues)

    def update(self, key: str, changes: FieldChanges) -> Mapping[str, str]:
        number = self._own_number(key)
        patch: dict[str, Any] = {}
        body_changes: dict[str, Any] = {}
        if changes.summary is not KEEP:
            patch["title"] = changes.summary
        if changes.description is not KEEP:
            body_changes["description"] = changes.description
        if changes.assignee is not KEEP:
            patch["assignees"] = [changes.assignee]
        if changes.due is not KEEP:
            if self.settings.due_dates == "body":
                body_changes["due"] = changes.due
            else:
                due = changes.due
                patch["milestone"] = None if due is None else self._milestones.number_for(due)
        # GitHub issues have no priority (the priority map is empty): a priority is not written.
        add_labels = sorted(changes.labels_to_add)
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

    def quote(self, text: str) -> str:
        """Document text in syncd's own text of an issue (``QuotesText``)."""
        return quoted_markdown(text)

    def close_issue(self, key: str) -> None:
        """Closed as completed (``ClosesIssues``): one PATCH."""
        number = self._own_number(key)
        path = f"{self._issues_path}/{number}"
        state = {"state": "closed", "state_reason": "completed"}
        self._on_issue(number, lambda: self._connection.patch(path, state, expect=answers.issue))

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
        if gh.item_id_of_marker(marker) in self._reads.comment_markers(number):
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
        current = self._on_issue(number, lambda: self._reads.issue(number))
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

    def post_nudge(self, key: str, *, mention: str | None, text: str) -> None:
        body = nudge_comment_body(mention, text)  # quoted document text mentions nobody
        self._connection.post(
            f"{self._issues_path}/{self._own_number(key)}/comments", {"body": body}
        )

    def comments_since(self, key: str, since: datetime) -> list[tuple[datetime, str]]:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        found = []
        for created, body in self._reads.comments_since(self._own_number(key), stamp):
            with contextlib.suppress(ValueError):
                found.append((datetime.fromisoformat(created.replace("Z", "+00:00")), body))
        return found

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
