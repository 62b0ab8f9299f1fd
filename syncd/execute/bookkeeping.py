"""A mirror cycle's bookkeeping, written once at its end: links, bases and the read cursor.

The exactly-once protocol (``syncd.execute.intents``) writes at its own moments; everything
else a cycle learns (the bases of issues created, adopted or updated, the links of adopted
issues, closures and reopenings, a person's last activity, who holds each issue, where the
tracker read reached) waits here and goes to the store in one transaction. A cycle that dies
before it loses none of the protocol: an issue linked without a base is read again by key
on the next cycle, and the cursor not moved means it is read again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from syncd.execute.outcome import MirrorOutcome
from syncd.mirror.model import IssueSnapshot, MirrorRecord
from syncd.mirror.operations import MarkDone, MarkReopened
from syncd.mirror.planner import Plan
from syncd.store import TrackerCursor, TrackerLink
from syncd.store.roles import MirrorState
from syncd.tracker import ChangedIssues, Tracker, TrackerProblem


@dataclass(slots=True)
class Bookkeeping:
    """What the cycle will record, gathered as its writes succeed."""

    team: str
    now: datetime
    links: dict[str, TrackerLink] = field(default_factory=dict)  # changed, by item id
    bases: dict[str, dict[str, Any]] = field(default_factory=dict)  # sync_bases rows' JSON
    cursor: TrackerCursor | None = None
    # Every link of the team as the store will hold it (from ``close_and_reopen`` on).
    _current: dict[str, TrackerLink] = field(default_factory=dict)

    def link(self, link: TrackerLink) -> None:
        self.links[link.item_id] = link

    def base(self, item_id: str, base: dict[str, Any]) -> None:
        self.bases[item_id] = base

    def reached(self, changed: ChangedIssues, system: str, previous: TrackerCursor | None) -> None:
        """Move the cursor to where a complete read reached (an incomplete one reads again)."""
        reached = max(
            (t for t in (changed.newest_updated, changed.read_at) if t is not None), default=None
        )
        if changed.complete and reached is not None:
            self.cursor = TrackerCursor(
                team=self.team,
                system=system,
                last_updated_seen=reached,
                etag=changed.etag,
                last_full_scan_at=self.now if previous is None else previous.last_full_scan_at,
            )

    def close_and_reopen(
        self,
        store: MirrorState,
        the_plan: Plan,
        links_at_start: Mapping[str, TrackerLink],
        outcome: MirrorOutcome,
    ) -> None:
        """Note the issues closed and reopened, once every tracker write of the plan is done."""
        current = store.links(self.team)  # with the links the intent protocol completed
        current.update(self.links)
        self._current = current
        everything = {**links_at_start, **current}
        self._changed(_status_changes(the_plan, everything, outcome, self.now))

    def settle(
        self,
        store: MirrorState,
        records: Mapping[str, MirrorRecord],
        changed: Mapping[str, IssueSnapshot],
        snapshots: Mapping[str, IssueSnapshot],
    ) -> None:
        """The end of a cycle that reached it (after :meth:`close_and_reopen`): a person's
        activity and who holds each issue on top of what was gathered, all written in one
        transaction."""
        self._changed(_activity_changes(self._current, records, changed))
        bases: dict[str, Mapping[str, Any]] = {**store.bases(self.team), **self.bases}
        self._changed(_assignee_changes(self._current, bases, snapshots))
        self.write(store)

    def write(self, store: MirrorState) -> None:
        """Record what was gathered (also what a cycle the tracker stopped had done)."""
        store.record_mirror_state(
            self.team,
            links=list(self.links.values()),
            bases=self.bases,
            cursor=self.cursor,
            at=self.now,
        )

    def _changed(self, changed: list[TrackerLink]) -> None:
        for link in changed:
            self._current[link.item_id] = link
            self.links[link.item_id] = link


def new_link(
    team: str,
    tracker: Tracker,
    item_id: str,
    key: str,
    now: datetime,
    *,
    adopted: bool = False,
    url: str | None = None,
) -> TrackerLink:
    return TrackerLink(
        item_id=item_id,
        team=team,
        system=tracker.system,
        key=key,
        url=url or tracker.issue_url(key),
        adopted=adopted,
        created_at=now,
        updated_at=now,
    )


def _status_changes(
    the_plan: Plan, links: Mapping[str, TrackerLink], outcome: MirrorOutcome, now: datetime
) -> list[TrackerLink]:
    changed: list[TrackerLink] = []
    for done in the_plan.of_type(MarkDone):
        link = links.get(done.item_id)
        if link is None:
            continue
        changed.append(
            dataclasses.replace(
                link,
                tracker_done=True,
                resolution=done.resolution,
                won_t_do_explained=done.explained if done.won_t_do else None,
                updated_at=now,
            )
        )
        outcome.closed += 1
        if done.won_t_do and not done.explained:
            outcome.problems.append(
                TrackerProblem(
                    done.item_id,
                    done.key,
                    f"{done.key} was closed as {done.resolution!r} without a reason; "
                    "add a comment saying why it will not be done",
                )
            )
    for reopened in the_plan.of_type(MarkReopened):
        link = links.get(reopened.item_id)
        if link is not None:
            changed.append(
                dataclasses.replace(
                    link,
                    tracker_done=False,
                    resolution=None,
                    won_t_do_explained=None,
                    updated_at=now,
                )
            )
    return changed


def _activity_changes(
    links: Mapping[str, TrackerLink],
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
) -> list[TrackerLink]:
    """Note when a person last changed an item's issue: what "stale" counts from.

    An issue read this cycle whose mirrored fields or status differ from what syncd last knew
    was changed by someone else; syncd's own writes leave it equal to the record.
    """
    by_key = {record.key: record for record in records.values()}
    touched: dict[str, datetime] = {}
    for key, snapshot in snapshots.items():
        record = by_key.get(key)
        if record is None:
            continue
        status_changed = (snapshot.status_category == "done") != record.tracker_done
        if snapshot.fields != record.base or status_changed:
            touched[record.item_id] = snapshot.updated
    changed = []
    for item, at in touched.items():
        link = links.get(item)
        if link is not None and (link.last_activity is None or link.last_activity < at):
            changed.append(dataclasses.replace(link, last_activity=at))
    return changed


def _assignee_changes(
    links: Mapping[str, TrackerLink],
    bases: Mapping[str, Mapping[str, Any]],
    snapshots: Mapping[str, IssueSnapshot],
) -> list[TrackerLink]:
    """Note who holds each issue in the tracker now: the digest and ``status`` name them.

    After a cycle, an item's base holds the tracker's assignee as syncd knows it (read from the
    issue, pushed to it, or sent when it was created). The name the tracker shows for that user
    comes from an issue read this cycle, and is kept while the user stays the same.
    """
    changed: list[TrackerLink] = []
    for item_id, link in links.items():
        stored = bases.get(item_id)
        if stored is None:
            continue  # created but not yet recorded: the next cycle reads it
        user = stored["base"].get("assignee")
        snapshot = snapshots.get(link.key)
        if snapshot is not None and snapshot.fields.assignee == user:
            name = snapshot.assignee_name
        elif user == link.assignee:
            name = link.assignee_name
        else:
            name = None
        if (user, name) != (link.assignee, link.assignee_name):
            changed.append(dataclasses.replace(link, assignee=user, assignee_name=name))
    return changed
