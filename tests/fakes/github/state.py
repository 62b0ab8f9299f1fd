"""The stateful model behind the fake GitHub: users, one or more repositories, their issues
(pull requests among them, as GitHub numbers both in one sequence), labels, milestones, comments.

Plain data behind one lock, so a test can act "as a person" on the same state the HTTP server
serves (`state.edit_issue(..., actor=alice)`) while the client under test talks to it over
loopback. The silent drop lives here: what a token may not set is left out, and noted in
`state.drops`, without any error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.jira.state import ManualClock, system_clock

__all__ = ["ManualClock", "system_clock"]  # re-exported: one clock type for both fakes

UTC = dt.UTC
_UNSET: Any = object()
_COLOR_RE = re.compile(r"^[0-9a-fA-F]{6}$")
PERMISSIONS = ("read", "triage", "write", "maintain", "admin")
STATE_REASONS = ("completed", "not_planned", "reopened", "duplicate")


def can(permission: str, needed: str) -> bool:
    """Whether a repository role includes another ("write" includes "triage")."""
    return PERMISSIONS.index(permission) >= PERMISSIONS.index(needed)


@dataclass
class User:
    id: int
    login: str
    name: str | None = None
    email: str | None = None
    type: str = "User"
    created: dt.datetime = dt.datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class Milestone:
    id: int
    number: int
    title: str
    creator: User
    created: dt.datetime
    updated: dt.datetime
    description: str | None = None
    state: str = "open"
    due_on: dt.date | None = None
    closed: dt.datetime | None = None


@dataclass
class Comment:
    id: int
    user: User
    body: str
    created: dt.datetime
    updated: dt.datetime


@dataclass
class Issue:
    id: int
    number: int
    title: str
    user: User
    created: dt.datetime
    updated: dt.datetime
    body: str | None = None
    state: str = "open"
    state_reason: str | None = None
    labels: list[Label] = field(default_factory=list)
    assignees: list[User] = field(default_factory=list)
    milestone: Milestone | None = None
    closed: dt.datetime | None = None
    closed_by: User | None = None
    comments: list[Comment] = field(default_factory=list)
    is_pull_request: bool = False
    locked: bool = False
    head: str | None = None  # a pull request's branches (the ones the fake opened by POST)
    base: str | None = None


@dataclass
class Repo:
    id: int
    owner: User
    name: str
    created: dt.datetime
    private: bool = True
    description: str | None = "Action items from postmortems"
    default_branch: str = "main"
    collaborators: set[str] = field(default_factory=set)  # logins that may be assigned
    issues: dict[int, Issue] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # by name, lower-cased
    milestones: dict[int, Milestone] = field(default_factory=dict)
    next_number: int = 1
    next_milestone: int = 1

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"


@dataclass(frozen=True)
class Drop:
    """One silent drop: what a request asked to set and GitHub left out, and why."""

    repo: str
    number: int
    field: str  # "assignees" | "labels" | "milestone"
    value: str
    reason: str  # "not_assignable" | "no_triage_permission"


class NotFound(Exception):
    pass


class ValidationFailed(Exception):
    """GitHub's 422: a message and a list of {resource, field, code} errors."""

    def __init__(self, resource: str, field_name: str, code: str, message: str | None = None):
        super().__init__(resource, field_name, code)
        self.error: dict[str, str] = {"resource": resource, "field": field_name, "code": code}
        if message:
            self.error["message"] = message


class GitHubState:
    """All of the fake's data. Every public method takes the lock, so threads see one history."""

    def __init__(self, clock: Callable[[], dt.datetime] = system_clock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}  # by login, lower-cased
        self.repos: dict[str, Repo] = {}  # by full name, lower-cased
        self.drops: list[Drop] = []
        self._ids = itertools.count(1001)
        self.version = 0  # bumped on every change: lets a test assert "nothing was written"

    def _now(self) -> dt.datetime:
        # GitHub's timestamps have whole seconds; so `since` compares exactly like it does.
        return self.clock().astimezone(UTC).replace(microsecond=0)

    def _changed(self) -> None:
        self.version += 1

    # --- people and repositories --------------------------------------------------------------

    def add_user(self, login: str, name: str | None = None, email: str | None = None) -> User:
        with self.lock:
            existing = self.users.get(login.lower())
            if existing is not None:
                return existing
            user = User(next(self._ids), login, name, email)
            self.users[login.lower()] = user
            return user

    def user(self, login: str) -> User:
        with self.lock:
            found = self.users.get(login.lower())
            if found is None:
                raise NotFound(login)
            return found

    def add_repo(self, full_name: str, *, private: bool = True) -> Repo:
        owner_login, _, name = full_name.partition("/")
        with self.lock:
            owner = self.add_user(owner_login)
            owner.type = "Organization"
            repo = Repo(next(self._ids), owner, name, self._now(), private=private)
            self.repos[full_name.lower()] = repo
            self._changed()
            return repo

    def repo(self, owner: str, name: str) -> Repo:
        with self.lock:
            found = self.repos.get(f"{owner}/{name}".lower())
            if found is None:
                raise NotFound(f"{owner}/{name}")
            return found

    def add_collaborator(self, repo: Repo, login: str) -> User:
        """A person with access to the repository: assignable, and listed as collaborator."""
        with self.lock:
            user = self.add_user(login)
            repo.collaborators.add(user.login.lower())
            self._changed()
            return user

    def remove_collaborator(self, repo: Repo, login: str) -> None:
        with self.lock:
            repo.collaborators.discard(login.lower())
            self._changed()

    def is_assignable(self, repo: Repo, login: str) -> bool:
        with self.lock:
            if login.lower() in repo.collaborators:
                return True
            # A personal repository's owner may be assigned; an organisation never.
            owner = repo.owner
            return owner.type == "User" and login.lower() == owner.login.lower()

    # --- labels and milestones ----------------------------------------------------------------

    def create_label(
        self, repo: Repo, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        if not name.strip():
            raise ValidationFailed("Label", "name", "missing_field")
        if not _COLOR_RE.match(color):
            raise ValidationFailed("Label", "color", "invalid")
        with self.lock:
            if name.lower() in repo.labels:
                raise ValidationFailed("Label", "name", "already_exists")
            label = Label(next(self._ids), name, color.lower(), description)
            repo.labels[name.lower()] = label
            self._changed()
            return label

    def label(self, repo: Repo, name: str) -> Label:
        with self.lock:
            found = repo.labels.get(name.lower())
            if found is None:
                raise NotFound(name)
            return found

    def create_milestone(
        self,
        repo: Repo,
        title: str,
        creator: User,
        *,
        due_on: dt.date | None = None,
        description: str | None = None,
        state: str = "open",
    ) -> Milestone:
        with self.lock:
            if any(m.title == title for m in repo.milestones.values()):
                raise ValidationFailed("Milestone", "title", "already_exists")
            now = self._now()
            milestone = Milestone(
                next(self._ids),
                repo.next_milestone,
                title,
                creator,
                now,
                now,
                description,
                state,
                due_on,
                now if state == "closed" else None,
            )
            repo.milestones[milestone.number] = milestone
            repo.next_milestone += 1
            self._changed()
            return milestone

    def edit_milestone(
        self,
        milestone: Milestone,
        *,
        title: str | None = None,
        state: str | None = None,
        description: Any = _UNSET,
        due_on: Any = _UNSET,
    ) -> Milestone:
        with self.lock:
            if title is not None:
                milestone.title = title
            if description is not _UNSET:
                milestone.description = description
            if due_on is not _UNSET:
                milestone.due_on = due_on
            if state is not None and state != milestone.state:
                milestone.state = state
                milestone.closed = self._now() if state == "closed" else None
            milestone.updated = self._now()
            self._changed()
            return milestone

    def milestone(self, repo: Repo, number: int) -> Milestone:
        with self.lock:
            found = repo.milestones.get(number)
            if found is None:
                raise NotFound(str(number))
            return found

    # --- issues ---------------------------------------------------------------------------------

    def issue(self, repo: Repo, number: int) -> Issue:
        with self.lock:
            found = repo.issues.get(number)
            if found is None:
                raise NotFound(str(number))
            return found

    def create_issue(
        self,
        repo: Repo,
        title: str,
        actor: User,
        *,
        permission: str = "admin",
        body: str | None = None,
        assignees: Iterable[str] = (),
        labels: Iterable[str] = (),
        milestone: int | None = None,
        pull_request: bool = False,
    ) -> Issue:
        """Open an issue (or a pull request) the way GitHub does, silent drop included."""
        if not title.strip():
            raise ValidationFailed("Issue", "title", "missing_field")
        with self.lock:
            now = self._now()
            issue = Issue(next(self._ids), repo.next_number, title, actor, now, now, body)
            issue.is_pull_request = pull_request
            # GitHub: only push access sets these on a new issue; triage only on existing ones.
            role = "triage" if can(permission, "write") else "read"
            issue.milestone = self._milestone_or_drop(repo, issue, milestone, role)
            issue.labels = self._labels_or_drop(repo, issue, labels, role)
            issue.assignees = self._assignees_or_drop(repo, issue, assignees, role)
            repo.issues[issue.number] = issue
            repo.next_number += 1
            self._changed()
            return issue

    def open_pull(
        self, repo: Repo, title: str, actor: User, *, head: str, base: str, body: str | None
    ) -> Issue:
        """Open a pull request from branch ``head`` into ``base``: GitHub refuses a second open
        one from the same head into the same base (422, "A pull request already exists")."""
        with self.lock:
            for issue in repo.issues.values():
                if issue.state == "open" and (issue.head, issue.base) == (head, base):
                    raise ValidationFailed(
                        "PullRequest",
                        "head",
                        "custom",
                        f"A pull request already exists for {repo.owner.login}:{head}.",
                    )
            pull = self.create_issue(repo, title, actor, body=body, pull_request=True)
            pull.head, pull.base = head, base
            return pull

    def pulls(self, repo: Repo, *, state: str, head: str | None, base: str | None) -> list[Issue]:
        """Opened pull requests, newest first; ``head`` as ``owner:branch``."""
        with self.lock:
            found = [
                issue
                for issue in repo.issues.values()
                if issue.head is not None
                and state in ("all", issue.state)
                and (head is None or head == f"{repo.owner.login}:{issue.head}")
                and (base is None or base == issue.base)
            ]
        return sorted(found, key=lambda issue: -issue.number)

    def edit_issue(
        self,
        repo: Repo,
        number: int,
        actor: User,
        *,
        permission: str = "admin",
        title: str | None = None,
        body: Any = _UNSET,
        state: str | None = None,
        state_reason: Any = _UNSET,
        assignees: Iterable[str] | None = None,
        labels: Iterable[str] | None = None,
        milestone: Any = _UNSET,
    ) -> Issue:
        """Change an issue; `updated` moves only when something really changed (as on GitHub)."""
        with self.lock:
            issue = self.issue(repo, number)
            before = _snapshot(issue)
            if title is not None:
                if not title.strip():
                    raise ValidationFailed("Issue", "title", "missing_field")
                issue.title = title
            if body is not _UNSET:
                issue.body = body
            if milestone is not _UNSET:
                issue.milestone = self._milestone_or_drop(repo, issue, milestone, permission)
            if labels is not None:
                issue.labels = self._labels_or_drop(repo, issue, labels, permission)
            if assignees is not None:
                issue.assignees = self._assignees_or_drop(repo, issue, assignees, permission)
            self._apply_state(issue, actor, state, state_reason)
            if _snapshot(issue) != before:
                issue.updated = self._now()
                self._changed()
            return issue

    def _apply_state(self, issue: Issue, actor: User, state: str | None, reason: Any) -> None:
        if reason is not _UNSET and reason is not None and reason not in STATE_REASONS:
            raise ValidationFailed("Issue", "state_reason", "invalid")
        if state is not None and state not in ("open", "closed"):
            raise ValidationFailed("Issue", "state", "invalid")
        if state == "closed" and issue.state != "closed":
            issue.state = "closed"
            issue.closed = self._now()
            issue.closed_by = actor
            issue.state_reason = "completed" if reason in (_UNSET, None) else reason
        elif state == "open" and issue.state != "open":
            issue.state = "open"
            issue.closed = None
            issue.closed_by = None
            issue.state_reason = "reopened"
        elif reason is not _UNSET and issue.state == "closed" and reason in STATE_REASONS:
            # Re-closing as another reason ("completed" → "not_planned") without a reopen.
            issue.state_reason = reason

    def add_labels(
        self, repo: Repo, number: int, names: Iterable[str], *, permission: str = "admin"
    ) -> Issue:
        with self.lock:
            issue = self.issue(repo, number)
            have = {label.name.lower() for label in issue.labels}
            wanted = [n for n in names if n.lower() not in have]
            if wanted:
                added = self._labels_or_drop(repo, issue, wanted, permission)
                if added:
                    issue.labels.extend(added)
                    issue.updated = self._now()
                    self._changed()
            return issue

    def add_comment(self, repo: Repo, number: int, body: str, actor: User) -> Comment:
        if not body.strip():
            raise ValidationFailed("IssueComment", "body", "missing_field")
        with self.lock:
            issue = self.issue(repo, number)
            now = self._now()
            comment = Comment(next(self._ids), actor, body, now, now)
            issue.comments.append(comment)
            issue.updated = now  # a comment is activity on the issue: it moves `updated_at`
            self._changed()
            return comment

    def list_issues(
        self,
        repo: Repo,
        *,
        state: str = "open",
        labels: list[str] | None = None,
        since: dt.datetime | None = None,
        sort: str = "created",
        direction: str = "desc",
        milestone: str | None = None,
        assignee: str | None = None,
        creator: str | None = None,
    ) -> list[Issue]:
        """The filtered, sorted list GitHub's `GET /repos/{o}/{r}/issues` pages through."""
        wanted_labels = {name.lower() for name in labels or []}
        with self.lock:
            found = []
            for issue in repo.issues.values():
                if state != "all" and issue.state != state:
                    continue
                names = {label.name.lower() for label in issue.labels}
                if not wanted_labels <= names:  # every label given (AND)
                    continue
                if since is not None and issue.updated < since:
                    continue
                if not _milestone_matches(issue, milestone):
                    continue
                if not _user_matches(issue.assignees, assignee):
                    continue
                if creator is not None and issue.user.login.lower() != creator.lower():
                    continue
                found.append(issue)
            key: Callable[[Issue], Any] = {
                "created": lambda i: (i.created, i.number),
                "updated": lambda i: (i.updated, i.number),
                "comments": lambda i: (len(i.comments), i.number),
            }[sort]
            return sorted(found, key=key, reverse=direction == "desc")

    # --- the silent drop ------------------------------------------------------------------------

    def _drop(self, repo: Repo, issue: Issue, name: str, value: str, reason: str) -> None:
        self.drops.append(Drop(repo.full_name, issue.number, name, value, reason))

    def _milestone_or_drop(
        self, repo: Repo, issue: Issue, number: int | None, permission: str
    ) -> Milestone | None:
        if number is None:
            return None if can(permission, "triage") else issue.milestone
        if not can(permission, "triage"):
            self._drop(repo, issue, "milestone", str(number), "no_triage_permission")
            return issue.milestone
        found = repo.milestones.get(number)
        if found is None:
            raise ValidationFailed("Issue", "milestone", "invalid")
        return found

    def _labels_or_drop(
        self, repo: Repo, issue: Issue, names: Iterable[str], permission: str
    ) -> list[Label]:
        names = list(dict.fromkeys(names))
        if not can(permission, "triage"):
            for name in names:
                self._drop(repo, issue, "labels", name, "no_triage_permission")
            return issue.labels
        out = []
        for name in names:
            label = repo.labels.get(name.lower())
            if label is None:  # GitHub creates an unknown label on the fly
                label = Label(next(self._ids), name)
                repo.labels[name.lower()] = label
            out.append(label)
        return out

    def _assignees_or_drop(
        self, repo: Repo, issue: Issue, logins: Iterable[str], permission: str
    ) -> list[User]:
        logins = list(dict.fromkeys(logins))
        if not can(permission, "triage"):
            for login in logins:
                self._drop(repo, issue, "assignees", login, "no_triage_permission")
            return issue.assignees
        out = []
        for login in logins:
            user = self.users.get(login.lower())
            if user is None or not self.is_assignable(repo, login):
                self._drop(repo, issue, "assignees", login, "not_assignable")
                continue
            out.append(user)
        return out[:10]  # GitHub keeps at most ten assignees


def _snapshot(issue: Issue) -> tuple[Any, ...]:
    return (
        issue.title,
        issue.body,
        issue.state,
        issue.state_reason,
        tuple(label.id for label in issue.labels),
        tuple(user.id for user in issue.assignees),
        issue.milestone.id if issue.milestone else None,
    )


def _milestone_matches(issue: Issue, wanted: str | None) -> bool:
    if wanted is None:
        return True
    if wanted == "*":
        return issue.milestone is not None
    if wanted == "none":
        return issue.milestone is None
    return issue.milestone is not None and str(issue.milestone.number) == wanted


def _user_matches(users: list[User], wanted: str | None) -> bool:
    if wanted is None:
        return True
    if wanted == "*":
        return bool(users)
    if wanted == "none":
        return not users
    return any(u.login.lower() == wanted.lower() for u in users)
