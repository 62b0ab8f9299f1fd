"""Which items need their tracker key (or their done state) written back into the document.

Pure, and idempotent by construction: an edit is planned only while the document, as read this
cycle, does not say what the tracker says. Once the key is written, the next read finds it among
the item's references and plans nothing; a write that was lost is simply planned again.

- The key: planned when the item has a mirrored issue and the document names no issue of that
  tracker for the item. A document naming another issue is a person's decision: left alone.
- Done: planned when the issue is done and the document says the item is open. The other way
  round (a document marked done, an issue reopened) is never written: un-marking what a person
  marked is not syncd's to do.
- A person's removal wins (as field ownership does, CONTRACT §6): once the document has been
  seen naming the issue (``Seen``, kept in the state store), a key that is then gone from it was
  removed by a person and is not written again; the same for a done mark seen while the issue
  was done and then un-ticked. Such an item is ``declined``, with the reason. A lost state store
  forgets what was seen: each item is written once more at most, then seen again.
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
class Seen:
    """What an item's document was last seen saying, as the state store keeps it."""

    key: str | None  # the issue key the document named (it stays once the key is removed)
    done: bool  # the document marked the item done while its issue was done


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


@dataclass(frozen=True, slots=True)
class WriteBackPlan:
    """The edits to write, and those a person's removal declines (with the reason), each in
    document order."""

    edits: tuple[WriteBackEdit, ...]
    declined: tuple[tuple[WriteBackEdit, str], ...] = ()


def plan_write_back(
    items: Iterable[ItemAsRead],
    issues: Mapping[str, MirroredIssue],
    *,
    jira_projects: Collection[str] | None = None,
    seen: Mapping[str, Seen] | None = None,
) -> WriteBackPlan:
    """The edits that make each document say what the tracker says, unless a person removed
    what the document was seen saying (``seen``)."""
    edits: list[WriteBackEdit] = []
    declined: list[tuple[WriteBackEdit, str]] = []
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
        edit = WriteBackEdit(
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
        why = _removed_by_a_person(named, issue, (seen or {}).get(item.item_id))
        if why is None:
            edits.append(edit)
        else:
            declined.append((edit, why))
    edits.sort(key=_in_document_order)
    declined.sort(key=lambda pair: _in_document_order(pair[0]))
    return WriteBackPlan(tuple(edits), tuple(declined))


def _in_document_order(edit: WriteBackEdit) -> tuple[str, int, str]:
    return (edit.document, edit.line, edit.item_id)


def _removed_by_a_person(named: bool, issue: MirroredIssue, seen: Seen | None) -> str | None:
    if seen is None:
        return None
    if not named and seen.key is not None and seen.key.casefold() == issue.key.casefold():
        return (
            f"the document named {issue.key} and a person removed it; syncd does not write it again"
        )
    if named and seen.done:
        return "a person un-ticked the item after it was marked done; syncd does not mark it again"
    return None


def seen_now(
    items: Iterable[ItemAsRead],
    issues: Mapping[str, MirroredIssue],
    seen: Mapping[str, Seen],
    *,
    jira_projects: Collection[str] | None = None,
) -> dict[str, Seen]:
    """What the documents say now, for the items whose memory changes: a key named is
    remembered (and kept once removed); a done mark while the issue is done is remembered
    until the issue is open again."""
    changed: dict[str, Seen] = {}
    for item in items:
        issue = issues.get(item.item_id)
        if issue is None:
            continue
        before = seen.get(item.item_id)
        key = before.key if before is not None else None
        if names_issue(item.refs, issue, jira_projects):
            key = issue.key
        was_done = before is not None and before.done
        now = Seen(key, issue.done and (item.done or was_done))
        if now != before and (now.key is not None or now.done or before is not None):
            changed[item.item_id] = now
    return changed
