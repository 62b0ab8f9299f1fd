"""The stateful model behind the fake Jira: projects, users, workflow and issues.

Everything here is plain data guarded by one lock, so tests can act "as a person" on the
same state the HTTP server serves (`state.edit`, `state.transition`) while the client under
test talks to it over loopback.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

UTC = dt.UTC
_UNSET: Any = object()
_LABEL_RE = re.compile(r"^\S+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ManualClock:
    """A clock tests move by hand, so `updated` times are exactly what a test expects."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> dt.datetime:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)
            return self._now

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when


def system_clock() -> dt.datetime:
    return dt.datetime.now(UTC)


@dataclass(frozen=True)
class StatusCategory:
    id: int
    key: str
    name: str
    color: str


CATEGORY_NEW = StatusCategory(2, "new", "To Do", "blue-gray")
CATEGORY_IN_PROGRESS = StatusCategory(4, "indeterminate", "In Progress", "yellow")
CATEGORY_DONE = StatusCategory(3, "done", "Done", "green")
STATUS_CATEGORIES = (CATEGORY_NEW, CATEGORY_IN_PROGRESS, CATEGORY_DONE)


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: StatusCategory
    transition_id: str  # the id of the global transition that leads into this status


@dataclass(frozen=True)
class Named:
    """A priority, resolution or issue type: an id, a name and a description."""

    id: str
    name: str
    description: str = ""


STATUSES = (
    Status("10000", "To Do", CATEGORY_NEW, "11"),
    Status("10001", "In Progress", CATEGORY_IN_PROGRESS, "21"),
    Status("10002", "Done", CATEGORY_DONE, "31"),
)
PRIORITIES = tuple(
    Named(str(i), name, f"{name} priority")
    for i, name in enumerate(("Highest", "High", "Medium", "Low", "Lowest"), start=1)
)
RESOLUTIONS = (
    Named("10000", "Done", "Work has been completed on this issue."),
    Named("10001", "Won't Do", "This issue won't be actioned."),
    Named("10002", "Duplicate", "The problem is a duplicate of an existing issue."),
    Named("10003", "Cannot Reproduce", "The problem couldn't be reproduced."),
)
ISSUE_TYPES = (
    Named("10001", "Task", "A small, distinct piece of work."),
    Named("10002", "Bug", "A problem or error."),
    Named("10003", "Story", "A user story."),
)


@dataclass
class User:
    account_id: str
    email: str
    display_name: str
    name: str  # the Data Center username (also its user key)
    active: bool = True


@dataclass
class Project:
    id: str
    key: str
    name: str
    next_number: int = 1


@dataclass
class Comment:
    id: str
    author: User
    body: str
    created: dt.datetime


@dataclass
class RemoteLink:
    id: int
    global_id: str | None
    object: dict[str, Any]
    relationship: str | None = None
    application: dict[str, Any] | None = None


@dataclass
class Issue:
    id: str
    key: str
    project: Project
    issue_type: Named
    summary: str
    reporter: User
    created: dt.datetime
    updated: dt.datetime
    description: Any = None  # ADF document in Cloud, wiki-markup string in Data Center
    assignee: User | None = None
    duedate: str | None = None
    priority: Named = PRIORITIES[2]
    labels: list[str] = field(default_factory=list)
    status: Status = STATUSES[0]
    resolution: Named | None = None
    resolution_date: dt.datetime | None = None
    comments: list[Comment] = field(default_factory=list)
    remote_links: list[RemoteLink] = field(default_factory=list)
    # Issue (entity) properties: JSON values by key, invisible in the UI, readable by searches.
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])


class FieldErrors(Exception):
    """Jira's `errors` map: field name -> message. Raised before anything is changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class NotFound(Exception):
    pass


def find_named(options: Iterable[Named], ref: Any) -> Named | None:
    """Resolve `{"id": ...}`, `{"name": ...}` or a bare name the way Jira does."""
    if isinstance(ref, dict):
        if "id" in ref:
            return next((o for o in options if o.id == str(ref["id"])), None)
        ref = ref.get("name")
    if not isinstance(ref, str):
        return None
    return next((o for o in options if o.name.lower() == ref.lower()), None)


class JiraState:
    """All of the fake's data. Every public method takes the lock, so threads see one history."""

    def __init__(
        self,
        mode: str = "cloud",
        clock: Callable[[], dt.datetime] = system_clock,
        bot: User | None = None,
    ) -> None:
        if mode not in ("cloud", "datacenter"):
            raise ValueError(f"mode must be 'cloud' or 'datacenter', not {mode!r}")
        self.mode = mode
        self.clock = clock
        self.lock = threading.RLock()
        self.projects: dict[str, Project] = {}
        self.users: list[User] = []
        self.issues: dict[str, Issue] = {}  # by key, in creation order
        self._issue_ids = itertools.count(10000)
        self._link_ids = itertools.count(10000)
        self._comment_ids = itertools.count(10000)
        self.bot = bot or User(
            "557058:syncd-bot", "syncd-bot@example.com", "syncd bot", "syncd-bot"
        )
        self.users.append(self.bot)
        # Transition ids the workflow does not offer the API (a project whose workflow has no
        # way into Done for the caller): left out of GET transitions, refused by POST.
        self.withheld_transitions: set[str] = set()
        self.add_project("PAY", "Payments")

    # --- set-up -------------------------------------------------------------------------

    def add_project(self, key: str, name: str | None = None) -> Project:
        with self.lock:
            project = Project(str(10000 + len(self.projects)), key, name or key)
            self.projects[key] = project
            return project

    def add_user(
        self,
        email: str,
        display_name: str | None = None,
        *,
        account_id: str | None = None,
        name: str | None = None,
        active: bool = True,
    ) -> User:
        with self.lock:
            local = email.split("@", 1)[0]
            user = User(
                account_id=account_id or f"5b10ac8d82e05b22cc{len(self.users):06x}",
                email=email,
                display_name=display_name or local.replace(".", " ").title(),
                name=name or local,
                active=active,
            )
            self.users.append(user)
            return user

    # --- look-ups -----------------------------------------------------------------------

    def issue(self, key_or_id: str) -> Issue:
        with self.lock:
            found = self.issues.get(key_or_id.upper())
            if found is None:
                found = next((i for i in self.issues.values() if i.id == key_or_id), None)
            if found is None:
                raise NotFound(key_or_id)
            return found

    def project(self, key_or_id: str) -> Project:
        with self.lock:
            found = self.projects.get(key_or_id.upper()) or next(
                (p for p in self.projects.values() if p.id == key_or_id), None
            )
            if found is None:
                raise NotFound(key_or_id)
            return found

    def user(self, ref: str) -> User | None:
        """A user by account id (Cloud), username (Data Center) or e-mail address."""
        with self.lock:
            for user in self.users:
                if ref in (user.account_id, user.name) or ref.lower() == user.email.lower():
                    return user
            return None

    def search_users(self, query: str) -> list[User]:
        """Active users whose e-mail, display name or username starts with or equals `query`."""
        needle = query.strip().lower()
        with self.lock:
            return [
                u
                for u in self.users
                if u.active
                and needle
                and (
                    u.email.lower().startswith(needle)
                    or u.display_name.lower().startswith(needle)
                    or u.name.lower().startswith(needle)
                    or any(w.startswith(needle) for w in u.display_name.lower().split())
                )
            ]

    # --- writes (as the API, or as a person in a test) ---------------------------------------

    def create_issue(self, fields: dict[str, Any], *, as_user: User | None = None) -> Issue:
        """Create an issue from API-shaped `fields`; FieldErrors before anything changes."""
        with self.lock:
            errors: dict[str, str] = {}
            project = self._resolve_project(fields.get("project"), errors)
            issue_type = find_named(ISSUE_TYPES, fields.get("issuetype"))
            if issue_type is None:
                errors["issuetype"] = "Specify an issue type"
            summary = fields.get("summary")
            self._check_summary(summary, errors)
            known = {"project", "issuetype", "summary"}
            changes = self._validate_fields(
                {k: v for k, v in fields.items() if k not in known}, errors
            )
            if errors or project is None or issue_type is None:
                raise FieldErrors(errors)
            now = self.clock()
            key = f"{project.key}-{project.next_number}"
            issue = Issue(
                id=str(next(self._issue_ids)),
                key=key,
                project=project,
                issue_type=issue_type,
                summary=str(summary),
                reporter=as_user or self.bot,
                created=now,
                updated=now,
            )
            project.next_number += 1
            for name, value in changes.items():
                setattr(issue, name, value)
            self.issues[key] = issue
            return issue

    def set_properties(self, key: str, properties: Any) -> None:
        """An edit's or a create's ``properties``: ``[{"key": ..., "value": ...}]``. Like Jira,
        setting a property leaves ``updated`` alone (it is no field of the issue)."""
        if not isinstance(properties, list) or not all(
            isinstance(p, dict) and isinstance(p.get("key"), str) and p["key"] and "value" in p
            for p in properties
        ):
            raise FieldErrors({"properties": "Each property needs a 'key' and a 'value'."})
        with self.lock:
            issue = self.issue(key)
            for prop in properties:
                issue.properties[prop["key"]] = prop["value"]

    def update_issue(
        self,
        key: str,
        fields: dict[str, Any] | None = None,
        update: dict[str, list[dict[str, Any]]] | None = None,
    ) -> bool:
        """Apply an edit (`fields` and `update` operations); True when something changed."""
        with self.lock:
            issue = self.issue(key)
            fields = dict(fields or {})
            errors: dict[str, str] = {}
            for name in set(fields) & set(update or {}):
                errors[name] = f"Field '{name}' cannot be set in both 'fields' and 'update'."
            labels = list(issue.labels)
            for name, operations in (update or {}).items():
                if name == "labels":
                    labels = self._apply_label_operations(labels, operations, errors)
                    fields["labels"] = labels
                    continue
                for op in operations:
                    if "set" in op:
                        fields[name] = op["set"]
                    else:
                        errors[name] = f"Operation {sorted(op)} is not supported on '{name}'."
            if "summary" in fields:
                self._check_summary(fields["summary"], errors)
            changes = self._validate_fields(fields, errors, allow_summary=True)
            if errors:
                raise FieldErrors(errors)
            return self._apply(issue, changes)

    def edit(
        self,
        key: str,
        *,
        summary: str = _UNSET,
        assignee: str | None = _UNSET,
        duedate: str | dt.date | None = _UNSET,
        priority: str = _UNSET,
        labels: list[str] = _UNSET,
        description: Any = _UNSET,
    ) -> Issue:
        """Change an issue the way a person would in Jira's UI (assignee by id, name or e-mail)."""
        with self.lock:
            issue = self.issue(key)
            changes: dict[str, Any] = {}
            if summary is not _UNSET:
                changes["summary"] = summary
            if assignee is not _UNSET:
                user = None if assignee is None else self.user(assignee)
                if assignee is not None and user is None:
                    raise ValueError(f"no such user: {assignee}")
                changes["assignee"] = user
            if duedate is not _UNSET:
                changes["duedate"] = (
                    duedate.isoformat() if isinstance(duedate, dt.date) else duedate
                )
            if priority is not _UNSET:
                found = find_named(PRIORITIES, priority)
                if found is None:
                    raise ValueError(f"no such priority: {priority}")
                changes["priority"] = found
            if labels is not _UNSET:
                changes["labels"] = sorted(set(labels))
            if description is not _UNSET:
                changes["description"] = description
            self._apply(issue, changes)
            return issue

    def transition(
        self,
        key: str,
        status: str,
        *,
        resolution: str | None = None,
        comment: str | None = None,
        author: User | None = None,
    ) -> Issue:
        """Move an issue to `status` (name or id), as a person would; Done defaults to "Done"."""
        with self.lock:
            issue = self.issue(key)
            target = next(
                (s for s in STATUSES if status.lower() in (s.name.lower(), s.id, s.transition_id)),
                None,
            )
            if target is None:
                raise ValueError(f"no such status or transition: {status}")
            chosen = None
            if resolution is not None:
                chosen = find_named(RESOLUTIONS, resolution)
                if chosen is None:
                    raise FieldErrors({"resolution": f"Resolution '{resolution}' is not valid."})
            self.apply_transition(issue, target, chosen, comment, author)
            return issue

    def apply_transition(
        self,
        issue: Issue,
        target: Status,
        resolution: Named | None,
        comment: Any,
        author: User | None = None,
    ) -> None:
        with self.lock:
            now = self.clock()
            issue.status = target
            if target.category is CATEGORY_DONE:
                issue.resolution = resolution or RESOLUTIONS[0]
                issue.resolution_date = now
            else:
                issue.resolution = None
                issue.resolution_date = None
            if comment:
                issue.comments.append(self._comment(author or self.bot, comment, now))
            issue.updated = now

    def add_comment(self, key: str, body: Any, author: User | None = None) -> Comment:
        with self.lock:
            issue = self.issue(key)
            now = self.clock()
            comment = self._comment(author or self.bot, body, now)
            issue.comments.append(comment)
            issue.updated = now
            return comment

    def upsert_remote_link(self, key: str, body: dict[str, Any]) -> tuple[RemoteLink, bool]:
        """Create a remote link, or update the one with the same `globalId`; (link, created)."""
        with self.lock:
            issue = self.issue(key)
            obj = body.get("object")
            errors: dict[str, str] = {}
            if not isinstance(obj, dict):
                errors["object"] = "'object' is required."
            else:
                for name in ("url", "title"):
                    if not isinstance(obj.get(name), str) or not obj[name]:
                        errors[name] = f"'{name}' is required."
            if errors or not isinstance(obj, dict):
                raise FieldErrors(errors)
            global_id = body.get("globalId")
            existing = next(
                (x for x in issue.remote_links if global_id and x.global_id == global_id), None
            )
            if existing is not None:
                existing.object = dict(obj)
                existing.relationship = body.get("relationship")
                existing.application = body.get("application")
                return existing, False
            link = RemoteLink(
                id=next(self._link_ids),
                global_id=global_id,
                object=dict(obj),
                relationship=body.get("relationship"),
                application=body.get("application"),
            )
            issue.remote_links.append(link)
            return link, True

    # --- internals ----------------------------------------------------------------------

    def _comment(self, author: User, body: Any, now: dt.datetime) -> Comment:
        return Comment(str(next(self._comment_ids)), author, body, now)

    def _apply(self, issue: Issue, changes: dict[str, Any]) -> bool:
        changed = {k: v for k, v in changes.items() if getattr(issue, k) != v}
        for name, value in changed.items():
            setattr(issue, name, value)
        if changed:
            issue.updated = self.clock()
        return bool(changed)

    def _resolve_project(self, ref: Any, errors: dict[str, str]) -> Project | None:
        wanted = (ref.get("key") or ref.get("id")) if isinstance(ref, dict) else ref
        if wanted:
            try:
                return self.project(str(wanted))
            except NotFound:
                pass
        errors["project"] = "Specify a valid project ID or key"
        return None

    @staticmethod
    def _check_summary(summary: Any, errors: dict[str, str]) -> None:
        if not isinstance(summary, str) or not summary.strip():
            errors["summary"] = "You must specify a summary of the issue."
        elif len(summary) > 255:
            errors["summary"] = "Summary must be less than 255 characters."
        elif "\n" in summary:
            errors["summary"] = "The summary is invalid because it contains newline characters."

    def _validate_fields(
        self, fields: dict[str, Any], errors: dict[str, str], *, allow_summary: bool = False
    ) -> dict[str, Any]:
        """Map API field values to model attribute values, collecting Jira-style errors."""
        changes: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "summary" and allow_summary:
                changes["summary"] = value
            elif name == "description":
                changes["description"] = value
            elif name == "assignee":
                user = self._resolve_assignee(value, errors)
                if "assignee" not in errors:
                    changes["assignee"] = user
            elif name == "duedate":
                if value is None or (isinstance(value, str) and _valid_date(value)):
                    changes["duedate"] = value or None
                else:
                    errors["duedate"] = f"Error parsing date string: {value}"
            elif name == "priority":
                found = find_named(PRIORITIES, value)
                if found is None:
                    errors["priority"] = f"Priority name '{_ref_text(value)}' is not valid"
                else:
                    changes["priority"] = found
            elif name == "labels":
                if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                    errors["labels"] = "Labels must be a list of strings."
                elif bad := [x for x in value if not _LABEL_RE.match(x)]:
                    errors["labels"] = f"The label '{bad[0]}' contains spaces which is invalid."
                else:
                    changes["labels"] = sorted(set(value))
            else:
                errors[name] = (
                    f"Field '{name}' cannot be set. "
                    "It is not on the appropriate screen, or unknown."
                )
        return changes

    def _resolve_assignee(self, value: Any, errors: dict[str, str]) -> User | None:
        """Cloud names users by `accountId`, Data Center by `name` (or `key`)."""
        if value is None:
            return None
        wanted_key = "accountId" if self.mode == "cloud" else "name"
        if not isinstance(value, dict):
            errors["assignee"] = f"Specify the assignee by '{wanted_key}'"
            return None
        if wanted_key in value and value[wanted_key] is None:
            return None  # {"accountId": null} unassigns, as in Jira
        ref = value.get(wanted_key)
        if ref is None and self.mode == "datacenter":
            ref = value.get("key")
        if self.mode == "cloud":
            user = next((u for u in self.users if u.account_id == ref), None)
        else:
            user = next((u for u in self.users if u.name == ref), None)
        if user is None:
            errors["assignee"] = (
                f"Specify a valid value for assignee ('{ref}' is not a known user)"
                if ref
                else f"Specify the assignee by '{wanted_key}'"
            )
            return None
        if not user.active:
            errors["assignee"] = f"User '{user.display_name}' cannot be assigned issues."
        return user

    @staticmethod
    def _apply_label_operations(
        labels: list[str], operations: list[dict[str, Any]], errors: dict[str, str]
    ) -> list[str]:
        result = list(labels)
        for op in operations:
            if "add" in op and isinstance(op["add"], str):
                if op["add"] not in result:
                    result.append(op["add"])
            elif "remove" in op and isinstance(op["remove"], str):
                result = [x for x in result if x != op["remove"]]
            elif "set" in op and isinstance(op["set"], list):
                result = list(op["set"])
            else:
                errors["labels"] = f"Unsupported labels operation: {op}"
        return result


def _valid_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _ref_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name", value.get("id", value)))
    return str(value)
