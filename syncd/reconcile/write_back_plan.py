"""Which items need their tracker key (or their done state) written back into the document.

Pure, and idempotent by construction: an edit is planned only while the document, as read this
cycle, does not say what the tracker says. Once the key is written, the next read finds it among
the item's references and plans nothing; a write that was lost is simply planned again.

- The key: planned when the item has a mirrored issue and the document names no issue of that
  tracker for the item. A document naming another issue is a person's decision: left alone.
- Done: planned when the issue is done and the document says the item is open. The other way
  round (a document marked done, an issue reopened) is never written: un-marking what a person
  marked is not syncd's to do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from syncd.connector.write_back import WriteBackEdit
from syncd.model import TrackerRef
from syncd.resolve.refs import parse_tracker_ref


@dataclass(frozen=True, slots=True)
class ItemAsRead:
    """An item as its document states it this cycle: where it is and what it names."""

    item_id: str
    source: str
    document: str
    line: int
    title: str
    refs: tuple[str, ...]  # tracker references as written in the item
    done: bool  # the document marks the item done
    native_id: str | None = None


@dataclass(frozen=True, slots=True)
class MirroredIssue:
    """The issue an item is mirrored to, as the state store holds it after the mirror."""

    system: str  # "jira" | "github"
    key: str
    url: str | None
    done: bool  # the issue is done (closed, status category Done)


def names_issue(
    refs: Iterable[str], issue: MirroredIssue, jira_projects: Collection[str] | None = None
) -> bool:
    """Whether the references written name ``issue`` (by key, by URL, or ``#45`` for
    ``acme/pay#45``)."""
    for written in refs:
        if issue.url is not None and written.strip() == issue.url:
            return True
        ref = parse_tracker_ref(written, jira_projects)
        if ref is not None and _same_issue(ref, issue):
            return True
    return False


def names_other_issue(
    refs: Iterable[str], issue: MirroredIssue, jira_projects: Collection[str] | None = None
) -> bool:
    """Whether the references written name some issue of ``issue``'s tracker."""
    for written in refs:
        ref = parse_tracker_ref(written, jira_projects)
        if ref is not None and ref.system == issue.system and not _same_issue(ref, issue):
            return True
    return False


def _same_issue(ref: TrackerRef, issue: MirroredIssue) -> bool:
    if ref.system != issue.system:
        return False
    if ref.key.casefold() == issue.key.casefold():
        return True
    # "#45" written in a document of a repository whose issues the tracker holds
    return ref.key.startswith("#") and issue.key.endswith(ref.key)


def plan_write_back(
    items: Iterable[ItemAsRead],
    issues: Mapping[str, MirroredIssue],
    *,
    jira_projects: Collection[str] | None = None,
) -> tuple[WriteBackEdit, ...]:
    """The edits that make each document say what the tracker says, in document order."""
    edits: list[WriteBackEdit] = []
    for item in items:
        issue = issues.get(item.item_id)
        if issue is None:
            continue
        named = names_issue(item.refs, issue, jira_projects)
        if not named and names_other_issue(item.refs, issue, jira_projects):
            continue  # the document points at another issue: a person's decision
        needs_done = issue.done and not item.done
        if named and not needs_done:
            continue
        edits.append(
            WriteBackEdit(
                item_id=item.item_id,
                document=item.document,
                line=item.line,
                title=item.title,
                key=issue.key,
                url=issue.url,
                done=needs_done,
                native_id=item.native_id,
                system=issue.system,
            )
        )
    edits.sort(key=lambda e: (e.document, e.line, e.item_id))
    return tuple(edits)
