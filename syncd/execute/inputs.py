"""What a mirror cycle plans from: the issues wanted, the issues found, the items named."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from syncd.execute import adoption
from syncd.execute.outcome import MirrorOutcome
from syncd.judge.recurrence import ItemRecurrence, Key
from syncd.mirror import render
from syncd.mirror.model import DesiredIssue, IssueReference, IssueSnapshot, MirrorRecord
from syncd.mirror.operations import RefuseAdoption
from syncd.mirror.planner import Plan
from syncd.mirror.review import is_review
from syncd.model import ActionItem
from syncd.reconcile.team_items import TeamItems
from syncd.resolve.people import PeopleDirectory
from syncd.store import TrackerLink
from syncd.tracker import AssigneeLookup, Tracker, TrackerProblem, quoter

# A description names this many of the earlier postmortems' open issues, then "…".
RECURRENCE_KEYS_SHOWN = 10


def marker_hits(
    snapshots: Mapping[str, IssueSnapshot],
    records: Mapping[str, MirrorRecord],
    links: Mapping[str, TrackerLink],
    tracker: Tracker,
    *,
    full: bool,
) -> dict[str, IssueSnapshot]:
    """Issues found by their markers for items syncd has no record of.

    After a full read (the first cycle, or a lost state store) every marked issue is in
    ``snapshots``. An item linked but without a base (a crash between the two writes) gets
    its issue read by key.
    """
    hits: dict[str, IssueSnapshot] = {}
    if full:
        # A marker copied by hand onto another issue: the issue syncd wrote is the item's.
        # An issue with two items' markers goes to one of them only (reported either way).
        for snapshot in adoption.preferred(snapshots.values()):
            # A marker removed by hand: the origin syncd recorded still names the item.
            item = snapshot.item_id or (snapshot.origin.item_id if snapshot.origin else None)
            if item and item not in records:
                hits.setdefault(item, snapshot)
            # A follow-up review moved with its postmortem carries the marker of each place
            # it has had (``syncd.mirror.review_moves``): found by any of them.
            for review in sorted(m for m in snapshot.markers if is_review(m)):
                if review not in records:
                    hits.setdefault(review, dataclasses.replace(snapshot, item_id=review))
    unbased = {item: link.key for item, link in links.items() if item not in records}
    unbased = {item: key for item, key in unbased.items() if item not in hits}
    if unbased:
        got = tracker.get(sorted(set(unbased.values())))
        for item, key in unbased.items():
            if key in got:
                hits[item] = dataclasses.replace(got[key], item_id=item)
    return hits


def known_assignees(
    records: Mapping[str, MirrorRecord], previous_owner: Mapping[str, str | None] | None
) -> dict[str, tuple[str, str]]:
    """Item id → (owner's person key, tracker user) resolved in an earlier cycle.

    Reused while the item's owner stays the same person, so a cycle in which nothing changed
    sends no user look-ups.
    """
    known = {}
    for item_id, record in records.items():
        person = (previous_owner or {}).get(item_id)
        assignee = record.source_side.assignee
        if person is not None and assignee is not None:
            known[item_id] = (person, assignee)
    return known


def desired_issues(
    items: Sequence[ActionItem],
    tracker: Tracker,
    people: PeopleDirectory,
    mirror_done_items: bool,
    outcome: MirrorOutcome,
    known_assignees: Mapping[str, tuple[str, str]],
    references: Mapping[str, IssueReference] | None = None,
    recurring: Mapping[Key, ItemRecurrence] | None = None,
) -> list[DesiredIssue]:
    lookups: dict[str, AssigneeLookup] = {}
    desired = []
    for item in items:
        assignee = None
        earlier = known_assignees.get(item.id)
        if earlier is not None and earlier[0] == item.owner.person:
            assignee = earlier[1]
        elif item.owner.person is not None:
            if item.owner.person not in lookups:
                person = people.get(item.owner.person)
                lookups[item.owner.person] = (
                    tracker.assignee(person)
                    if person is not None
                    else AssigneeLookup(None, "not in the people map")
                )
            lookup = lookups[item.owner.person]
            assignee = lookup.user_id
            if lookup.problem is not None:
                outcome.problems.append(
                    TrackerProblem(
                        item.id,
                        None,
                        f"owner {item.owner.person!r} has no {tracker.system} user: "
                        f"{lookup.problem}; the issue's assignee is left as it is",
                    )
                )
        desired.append(
            render.desired_issue(
                item,
                marker=tracker.marker(item.id),
                assignee=assignee,
                priority_map=tracker.priority_map,
                labels=tracker.labels,
                mirror_done_items=mirror_done_items,
                postmortem_link=item.postmortem.url,
                tracker_system=tracker.system,
                reference=(references or {}).get(item.id),
                recurrence=_recurrence_line(
                    (recurring or {}).get((item.source, item.document)), quoter(tracker)
                ),
            )
        )
    return desired


def _recurrence_line(found: ItemRecurrence | None, quote: Callable[[str], str]) -> str | None:
    return found.line(RECURRENCE_KEYS_SHOWN, quote) if found is not None else None


def named_items(reading: TeamItems) -> dict[str, adoption.Named]:
    """The items a problem may name: those gone from their documents too."""
    named: dict[str, adoption.Named] = {k.id: k for k in reading.orphaned}
    named.update((i.id, i) for i in reading.items)
    return named


def report_references(
    the_plan: Plan,
    references: Mapping[str, IssueReference],
    records: Mapping[str, MirrorRecord],
    items: Mapping[str, adoption.Named],
    tracker: Tracker,
    outcome: MirrorOutcome,
) -> None:
    """Items naming an issue they cannot have: elsewhere (linked, reported once: when the item
    gets its own issue), or another item's (held back, reported every cycle until corrected)."""
    for item_id, reference in sorted(references.items()):
        item = items.get(item_id)
        if (
            reference.elsewhere is not None
            and item_id not in records
            and isinstance(item, ActionItem)
        ):
            outcome.problems.append(adoption.elsewhere_problem(item, reference, tracker))
    keys = {record.item_id: record.key for record in records.values()}
    for refusal in the_plan.of_type(RefuseAdoption):
        outcome.problems.append(adoption.refusal_problem(refusal, items, keys))
