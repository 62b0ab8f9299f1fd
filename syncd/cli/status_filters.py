"""What ``syncd status --owner/--overdue/--service`` keeps: pure, over what the store holds.

``--owner`` names a person as any document may (key, alias, e-mail, handle: resolved through
the team's people map) or as written when the map does not know them. An item belongs to whoever
holds its issue in the tracker now, else to its document's resolved owner, so a lead sees what
one person holds without reading everything. ``--overdue`` is judged on the team's today: an open
item (not done in its document or its tracker, not orphaned) whose due date has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from syncd.judge.recurrence import names_service
from syncd.model import Status, TrackerAssignee
from syncd.resolve.people import PeopleDirectory
from syncd.store import StoredItem, TrackerLink


@dataclass(frozen=True, slots=True)
class StatusFilter:
    owner: str | None = None
    overdue: bool = False
    service: str | None = None

    @property
    def active(self) -> bool:
        return self.owner is not None or self.overdue or self.service is not None

    def as_json(self) -> dict[str, object]:
        return {"owner": self.owner, "overdue": self.overdue, "service": self.service}


def keep_items(
    items: list[StoredItem],
    links: dict[str, TrackerLink],
    holders: dict[str, TrackerAssignee],
    people: PeopleDirectory,
    chosen: StatusFilter,
    today: date,
    tracker_dues: Mapping[str, date] | None = None,
) -> list[StoredItem]:
    """``tracker_dues``: each issue's due date in the tracker; a date a person moved there is
    the one judged (syncd keeps it)."""
    dues = tracker_dues or {}
    person = _person_named(people, chosen.owner) if chosen.owner is not None else None
    kept = []
    for item in items:
        holder = holders.get(item.id)
        if chosen.owner is not None and not _held_by(item, holder, chosen.owner, person):
            continue
        if chosen.overdue and not _overdue(item, links.get(item.id), today, dues.get(item.id)):
            continue
        if chosen.service is not None and not _on_service(item, chosen.service):
            continue
        kept.append(item)
    return kept


def _person_named(people: PeopleDirectory, name: str) -> str | None:
    return people.resolve(name).person


def _held_by(
    item: StoredItem, holder: TrackerAssignee | None, name: str, person: str | None
) -> bool:
    if holder is not None:  # the tracker's assignee holds the item, whatever the document says
        if holder.cleared:
            return False
        if person is not None:
            return holder.person == person
        return _same(name, holder.name) or _same(name, holder.user_id)
    if person is not None:
        return item.assignee == person
    return item.assignee is None and _same(name, item.owner_written)


def _same(name: str, written: str | None) -> bool:
    if not written:
        return False
    return name.strip().lstrip("@").casefold() == written.strip().lstrip("@").casefold()


def _overdue(
    item: StoredItem, link: TrackerLink | None, today: date, tracker_due: date | None
) -> bool:
    done = item.status is Status.DONE or (link is not None and link.tracker_done)
    due = tracker_due or item.due
    return not done and item.orphaned_at is None and due is not None and due < today


def _on_service(item: StoredItem, service: str) -> bool:
    # As the digest's recurrence reads it: a postmortem may name several services.
    return _same(service, item.postmortem_service) or names_service(
        item.postmortem_service, service
    )
