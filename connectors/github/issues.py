"""GitHub issues ⇄ the mirror's tracker-neutral data: keys, bodies, snapshots.

Pure functions of JSON and settings; the tracker does the requests.

An issue's body is the description syncd rendered, then (``due_dates: body``) a ``Due:
YYYY-MM-DD`` line, then the hidden marker line::

    <description>

    Due: 2026-03-01

    <!-- syncd:item=<item id> -->
    <!-- syncd:origin=<base64 JSON> -->

The origin line records where syncd created the issue from (``syncd.mirror.origin``): the
state store's backup. Reading strips these lines again, so an issue nobody touched reads back
exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from syncd.connector.tracker import (
    ORIGIN_LINE,
    IssueFields,
    IssueOrigin,
    IssueSnapshot,
    origin_line,
    origin_of_line,
)

MARKER_PATTERN = re.compile(r"^\s*<!--\s*syncd:item=(?P<id>[^\s>]+?)\s*-->\s*$")
DUE_PATTERN = re.compile(r"^Due:\s*(?P<date>\d{4}-\d{2}-\d{2})\s*$")
# Milestones syncd creates are named after their due date.
MILESTONE_TITLE_PREFIX = "Due "
_KEY = re.compile(r"^(?:(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+))?#(?P<number>\d+)$")
_URL = re.compile(r"^https?://[^/]+/(?:api/v3/)?(?:repos/)?(?P<repo>[^/]+/[^/]+)/issues/(?P<n>\d+)")

# state_reason values meaning the work will not be done (``is_won_t_do`` knows both).
WONT_DO_REASONS = frozenset({"not_planned", "duplicate"})

DueDates = Literal["body", "milestone"]


def marker_line(item_id: str) -> str:
    return f"<!-- syncd:item={item_id} -->"


def item_id_of_marker(marker: str) -> str | None:
    match = MARKER_PATTERN.match(marker)
    return match["id"] if match else None


def markers_in(body: str | None) -> list[str]:
    """The item ids of every marker line in ``body``, in order."""
    found = []
    for line in _lines(body):
        match = MARKER_PATTERN.match(line)
        if match:
            found.append(match["id"])
    return found


def issue_number(key: str, repo: str) -> int | None:
    """The number of ``key`` (``#45``, ``owner/repo#45`` or an issue URL) when it is an issue of
    ``repo`` (case-insensitively, as GitHub compares); None otherwise."""
    text = key.strip()
    match = _KEY.match(text)
    if match:
        other = match["repo"]
        if other is not None and other.casefold() != repo.casefold():
            return None
        return int(match["number"])
    url = _URL.match(text)
    if url and url["repo"].casefold() == repo.casefold():
        return int(url["n"])
    return None


def issue_key(repo: str, number: int) -> str:
    """The key syncd records: ``owner/repo#N``, unambiguous across repositories."""
    return f"{repo}#{number}"


def compose_body(
    description: str, due: date | None, marker: str | None, origin: IssueOrigin | str | None = None
) -> str:
    """The body for ``description``, the ``Due:`` line (when given), the marker line and the
    origin line (an ``IssueOrigin``, or an origin line kept as it was)."""
    blocks = [description.rstrip("\n")] if description.strip() else []
    if due is not None:
        blocks.append(f"Due: {due.isoformat()}")
    if marker:
        blocks.append(marker)
    if origin is not None:
        blocks.append(origin if isinstance(origin, str) else origin_line(origin))
    return "\n\n".join(blocks)


@dataclass(frozen=True, slots=True)
class Body:
    """A body taken apart: the description, the ``Due:`` line's date, the markers."""

    description: str
    due: date | None
    markers: tuple[str, ...]
    origin_lines: tuple[str, ...] = ()  # syncd's origin lines, as they stand

    @property
    def origin(self) -> IssueOrigin | None:
        return next(filter(None, map(origin_of_line, self.origin_lines)), None)


def _syncd_line(line: str) -> bool:
    return bool(MARKER_PATTERN.match(line) or ORIGIN_LINE.match(line))


def parse_body(body: str | None) -> Body:
    lines = _lines(body)
    markers = tuple(m["id"] for m in map(MARKER_PATTERN.match, lines) if m)
    origins = tuple(line.strip() for line in lines if ORIGIN_LINE.match(line))
    kept = [line for line in lines if not _syncd_line(line)]
    _trim(kept)
    due = None
    if kept:
        match = DUE_PATTERN.match(kept[-1].strip())
        if match:
            try:
                due = date.fromisoformat(match["date"])
            except ValueError:
                due = None
            if due is not None:
                kept.pop()
                _trim(kept)
    return Body("\n".join(kept), due, markers, origins)


# ``with_body_changes``'s default: leave the Due line as it is.
KEEP: Any = object()


def with_body_changes(body: str | None, *, description: str | None = None, due: Any = KEEP) -> str:
    """``body`` with its description and/or Due line replaced (``due=KEEP`` keeps it)."""
    parsed = parse_body(body)
    new_description = parsed.description if description is None else description
    new_due = parsed.due if due is KEEP else due
    assert new_due is None or isinstance(new_due, date)
    marker = "\n\n".join(marker_line(m) for m in parsed.markers) or None
    origin = "\n\n".join(parsed.origin_lines) or None
    return compose_body(new_description, new_due, marker, origin)


def with_marker(body: str | None, marker: str) -> str:
    """``body`` with the marker line appended, unless it carries it already."""
    text = (body or "").replace("\r\n", "\n").rstrip()
    wanted = item_id_of_marker(marker)
    if wanted is not None and wanted in markers_in(text):
        return text
    return f"{text}\n\n{marker}" if text else marker


def parse_time(text: str) -> datetime:
    """GitHub's ``2026-11-21T10:30:00Z``, tz-aware."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"GitHub time without a time zone: {text!r}")
    return moment


def milestone_due(milestone: Mapping[str, Any] | None) -> date | None:
    """The date a milestone stands for: its title when syncd named it, else its ``due_on``."""
    if not milestone:
        return None
    title = str(milestone.get("title") or "")
    if title.startswith(MILESTONE_TITLE_PREFIX):
        try:
            return date.fromisoformat(title[len(MILESTONE_TITLE_PREFIX) :].strip())
        except ValueError:
            pass
    due_on = milestone.get("due_on")
    return date.fromisoformat(str(due_on)[:10]) if due_on else None


def milestone_title(due: date) -> str:
    return f"{MILESTONE_TITLE_PREFIX}{due.isoformat()}"


def is_pull_request(issue: Mapping[str, Any]) -> bool:
    return issue.get("pull_request") is not None


def needs_closure_comments(issue: Mapping[str, Any]) -> bool:
    """Closed as not planned: whether a comment explains it is worth a request."""
    return issue.get("state") == "closed" and issue.get("state_reason") in WONT_DO_REASONS


@dataclass(frozen=True, slots=True)
class IssueReader:
    """Reads issues of one repository into snapshots."""

    repo: str
    labels: frozenset[str]  # the team's configured labels
    due_dates: DueDates

    def snapshot(self, issue: Mapping[str, Any], *, closure_explained: bool) -> IssueSnapshot:
        body = parse_body(issue.get("body"))
        labels = {str(label.get("name")) for label in issue.get("labels") or []}
        assignees = [a.get("login") for a in issue.get("assignees") or [] if a.get("login")]
        if not assignees and (issue.get("assignee") or {}).get("login"):
            assignees = [issue["assignee"]["login"]]
        closed = issue.get("state") == "closed"
        reason = issue.get("state_reason")
        due = milestone_due(issue.get("milestone")) if self.due_dates == "milestone" else body.due
        return IssueSnapshot(
            key=issue_key(self.repo, int(issue["number"])),
            item_id=body.markers[0] if body.markers else None,
            markers=frozenset(body.markers),
            fields=IssueFields(
                summary=str(issue.get("title") or ""),
                description=body.description,
                assignee=str(assignees[0]) if assignees else None,
                due=due,
                priority=None,  # GitHub issues have no priority field
                labels=frozenset(labels) & self.labels,
            ),
            status_category="done" if closed else "new",
            resolution=(str(reason or "completed")) if closed else None,
            closure_explained=closure_explained,
            updated=parse_time(str(issue["updated_at"])),
            url=issue.get("html_url"),
            assignee_name=str(assignees[0]) if assignees else None,  # GitHub shows the login
            origin=body.origin,
        )


def _lines(body: str | None) -> list[str]:
    return (body or "").replace("\r\n", "\n").split("\n")


def _trim(lines: list[str]) -> None:
    while lines and not lines[-1].strip():
        lines.pop()
