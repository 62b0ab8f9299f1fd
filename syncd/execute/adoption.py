"""Adoption rules, on the executor's side: which issues an item may take, and the words when not.

syncd adopts an issue a document names only when it is in the team's own project or repository
and belongs to no other item (the planner checks what was read; ``claimants`` checks again just
before writing, after this cycle's creates). An issue elsewhere is linked from the item's own
issue and reported. The marker checks report what people did to markers by hand: removed
from an issue syncd created (put back, or a lost state store would lead to a duplicate),
copied onto a second issue, or two items' markers on one issue.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from syncd.http import HttpError
from syncd.mirror.model import DesiredIssue, IssueReference, IssueSnapshot, MirrorRecord
from syncd.mirror.operations import RefuseAdoption
from syncd.mirror.render import is_syncd_text
from syncd.model import ActionItem, KnownItem
from syncd.store import TrackerLink
from syncd.tracker import ScopesReferences, Tracker, TrackerProblem

# The items a problem may name: those read now, and those gone from their documents.
Named = ActionItem | KnownItem


def item_words(item: Named | None, item_id: str) -> str:
    """How a problem names an item: its title and where it is (or was) written."""
    if item is None:
        return f"item {item_id}"
    where = item.document + (f" line {item.line}" if item.line else "")
    if isinstance(item, KnownItem):
        where += ", gone from its document"
    return f"the item {item.title!r} ({where})"


def references(items: Iterable[ActionItem], tracker: Tracker) -> dict[str, IssueReference]:
    """Where each item's reference points, as the team's tracker sees it."""
    if not isinstance(tracker, ScopesReferences):
        return {}
    return {
        item.id: tracker.reference(
            item.tracker_ref.system, item.tracker_ref.key, item.tracker_ref.url
        )
        for item in items
        if item.tracker_ref is not None
    }


def elsewhere_problem(
    item: ActionItem, reference: IssueReference, tracker: Tracker
) -> TrackerProblem:
    """An item naming an issue outside the team's project or repository: linked, not adopted."""
    return TrackerProblem(
        item.id,
        None,
        f"not adopted: {reference.elsewhere}. {item_words(item, item.id)} gets its own issue "
        f"in {tracker.system}, which links to {reference.written}; syncd adopts only the team's "
        "own issues",
        {"reference": reference.written, "url": reference.url},
    )


def read_referenced(
    desired: Sequence[DesiredIssue],
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
    tracker: Tracker,
) -> dict[str, IssueSnapshot]:
    """The issues named by items without a record, read whole (markers and all) before
    planning, so that the planner can tell whose they are. One read per cycle, and only while
    some item waits for adoption."""
    keys = sorted(
        {
            wanted.referenced_key
            for wanted in desired
            if wanted.referenced_key is not None and wanted.item_id not in records
        }
    )
    if not keys:
        return {}
    got = tracker.get(keys)
    found = {key: got[key] for key in keys if key in got}
    for key in keys:
        if key not in found and key in snapshots:
            found[key] = snapshots[key]
    return found


def claimants(
    item_id: str, key: str, links: Mapping[str, TrackerLink], snapshot: IssueSnapshot | None
) -> tuple[str, ...]:
    """The other items that hold ``key`` now: mirrored to it (created this cycle, perhaps), or
    whose marker it carries."""
    others = {other for other, link in links.items() if link.key == key and other != item_id}
    if snapshot is not None:
        others |= set(snapshot.markers) - {item_id}
    return tuple(sorted(others))


def refusal_problem(
    refusal: RefuseAdoption, items: Mapping[str, Named], keys: Mapping[str, str]
) -> TrackerProblem:
    """An item held back because the issue it names is, or may be, another item's."""
    item = items.get(refusal.item_id)
    named = item_words(item, refusal.item_id)
    ref = item.tracker_ref if isinstance(item, ActionItem) else None
    written = refusal.key if ref is None else ref.key
    others = " and ".join(
        item_words(items.get(other), other)
        + (f", mirrored to {keys[other]}" if other in keys and keys[other] != refusal.key else "")
        for other in refusal.others
    )
    key = refusal.key
    if refusal.reason == "claimed":
        message = (
            f"{named} names {written}, but {key} belongs to {others}; syncd adopts it for neither "
            "item and creates nothing: correct the reference in the document (or remove it to "
            "have syncd create an issue for this item)"
        )
    else:
        message = (
            f"{named} names {written}, and so does {others}; syncd adopts {key} for neither and "
            "creates nothing: keep the reference on the one item it is for"
        )
    details = {"reference": key, "reason": refusal.reason, "others": list(refusal.others)}
    return TrackerProblem(refusal.item_id, key, message, details)


def preferred(issues: Iterable[IssueSnapshot]) -> list[IssueSnapshot]:
    """Issues carrying one item's marker, the one syncd keeps first: the one it wrote (its own
    description), then the least recently changed."""
    return sorted(issues, key=lambda s: (not is_syncd_text(s.fields.description), s.updated, s.key))


@dataclass(slots=True)
class MarkerCheck:
    """What the marker checks found: problems to report, markers to put back."""

    problems: list[TrackerProblem] = field(default_factory=list)
    restore: list[tuple[str, str]] = field(default_factory=list)  # (key, item id)


def check_markers(
    snapshots: Collection[IssueSnapshot],
    records: Mapping[str, MirrorRecord],
    items: Mapping[str, Named],
    tracker: Tracker,
) -> MarkerCheck:
    """Markers changed by hand on the issues read this cycle."""
    found = MarkerCheck()
    by_key = {record.key: record for record in records.values()}
    unique = {snapshot.key: snapshot for snapshot in snapshots}
    found.problems.extend(_markers_on_several_issues(unique.values(), records, items, tracker))
    for snapshot in sorted(unique.values(), key=lambda s: s.key):
        _check_issue_markers(snapshot, records, by_key, items, tracker, found)
    return found


def _markers_on_several_issues(
    unique: Iterable[IssueSnapshot],
    records: Mapping[str, MirrorRecord],
    items: Mapping[str, Named],
    tracker: Tracker,
) -> list[TrackerProblem]:
    """An item without a record whose marker is on more than one issue."""
    problems: list[TrackerProblem] = []
    carriers: dict[str, list[IssueSnapshot]] = {}
    for snapshot in unique:
        for marked in snapshot.markers:
            carriers.setdefault(marked, []).append(snapshot)
    for marked, issues in sorted(carriers.items()):
        if len(issues) > 1 and marked not in records:
            kept, *others = preferred(issues)
            extra = ", ".join(s.key for s in others)
            problems.append(
                TrackerProblem(
                    marked,
                    kept.key,
                    f"the marker of {item_words(items.get(marked), marked)} is on "
                    f"{len(issues)} issues; syncd links the item to {kept.key} (the one it wrote, "
                    f"or the oldest) and ignores {extra}: remove {tracker.marker(marked)!r} from "
                    f"{extra}, or close {extra} as a duplicate",
                    {"keys": sorted(s.key for s in issues)},
                )
            )
    return problems


def _check_issue_markers(
    snapshot: IssueSnapshot,
    records: Mapping[str, MirrorRecord],
    by_key: Mapping[str, MirrorRecord],
    items: Mapping[str, Named],
    tracker: Tracker,
    found: MarkerCheck,
) -> None:
    """One issue's markers: several items', another issue's copied, or its own removed."""
    key = snapshot.key
    if len(snapshot.markers) > 1:
        named = " and ".join(item_words(items.get(i), i) for i in sorted(snapshot.markers))
        found.problems.append(
            TrackerProblem(
                None,
                key,
                f"{key} carries the markers of {len(snapshot.markers)} items ({named}); an "
                f"issue is one item's: remove the markers of the items {key} is not for",
                {"markers": sorted(snapshot.markers)},
            )
        )
    for marked in sorted(snapshot.markers):
        record = records.get(marked)
        if record is not None and record.key != key:
            found.problems.append(
                TrackerProblem(
                    marked,
                    key,
                    f"{key} carries the marker of {item_words(items.get(marked), marked)}, "
                    f"whose issue is {record.key}: copied by hand? syncd keeps to "
                    f"{record.key} and ignores {key} for this item: remove "
                    f"{tracker.marker(marked)!r} from {key}",
                    {"issue": record.key, "marker": tracker.marker(marked)},
                )
            )
    record = by_key.get(key)
    if record is not None and not record.adopted and record.item_id not in snapshot.markers:
        found.restore.append((key, record.item_id))
        found.problems.append(
            TrackerProblem(
                record.item_id,
                key,
                f"the marker of {item_words(items.get(record.item_id), record.item_id)} was "
                f"removed from {key} by hand; syncd puts it back, because without it a lost "
                f"state store would lead to a second issue. To stop syncd following {key}, "
                "remove the item from its document instead",
                {"marker": tracker.marker(record.item_id)},
            )
        )


def missing_issue_problem(
    item_id: str,
    key: str,
    item: ActionItem | None,
    error: HttpError,
    gone: bool,
    recreating: bool,
) -> TrackerProblem:
    """An item whose issue answered 404 when syncd wrote to it: deleted by a person, or no
    longer visible to syncd's account. Nothing is created in its place unless asked."""
    named = item_words(item, item_id)
    if recreating:
        message = (
            f"{key}, the issue of {named}, is gone from the tracker ({error.reason}); as "
            "--recreate-missing asks, syncd creates a new issue for the item"
        )
    elif gone:
        message = (
            f"{key}, the issue of {named}, is gone from the tracker ({error.reason}): deleted, "
            "or hidden from syncd's account. syncd creates nothing in its place: restore the "
            f"issue (or give the account access to it), remove the item from its document, or "
            "run `syncd sync --recreate-missing` to create a new issue for the item"
        )
    else:
        message = (
            f"writing to {key}, the issue of {named}, answered that it is not there "
            f"({error.reason}), but it could not be read back to be sure; syncd tries again on "
            "the next cycle"
        )
    return TrackerProblem(item_id, key, message, {"status": error.status, "gone": gone})
