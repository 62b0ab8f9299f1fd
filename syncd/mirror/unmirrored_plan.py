"""Planning an item without a record: adopt the issue it names or its marker found, create
one, or hold it back when the issue belongs to another item."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from syncd.mirror.model import DesiredIssue, IssueSnapshot, MirrorRecord
from syncd.mirror.operations import (
    KEEP,
    NO_CHANGES,
    AdoptIssue,
    CreateIssue,
    FieldChanges,
    Keep,
    RefuseAdoption,
)
from syncd.mirror.plan_result import PlanBuilder
from syncd.mirror.render import adopted_description, is_syncd_text
from syncd.mirror.status_plan import read_status


@dataclass(frozen=True, slots=True)
class Claims:
    """Who holds each issue: the items mirrored to it, the markers it carries, and the items
    without a record that name it."""

    holders: Mapping[str, frozenset[str]]
    namers: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(
        cls,
        desired: Sequence[DesiredIssue],
        records: Mapping[str, MirrorRecord],
        snapshots: Mapping[str, IssueSnapshot],
        referenced: Mapping[str, IssueSnapshot],
    ) -> Claims:
        holders: dict[str, set[str]] = {}
        for record in records.values():
            holders.setdefault(record.key, set()).add(record.item_id)
        for issues in (snapshots, referenced):
            for key, snapshot in issues.items():
                holders.setdefault(key, set()).update(snapshot.markers)
        namers: dict[str, list[str]] = {}
        for wanted in desired:
            if wanted.referenced_key is not None and wanted.item_id not in records:
                namers.setdefault(wanted.referenced_key, []).append(wanted.item_id)
        return cls(
            holders={key: frozenset(items) for key, items in holders.items()},
            namers={key: tuple(items) for key, items in namers.items()},
        )

    def refusal(self, item_id: str, key: str) -> RefuseAdoption | None:
        others = sorted(self.holders.get(key, frozenset()) - {item_id})
        if others:
            return RefuseAdoption(item_id, key, "claimed", tuple(others))
        sharing = tuple(i for i in self.namers.get(key, ()) if i != item_id)
        if sharing:
            return RefuseAdoption(item_id, key, "shared", sharing)
        return None


def plan_unmirrored(
    wanted: DesiredIssue,
    snapshots: Mapping[str, IssueSnapshot],
    marker_hits: Mapping[str, IssueSnapshot],
    referenced: Mapping[str, IssueSnapshot],
    claims: Claims,
    out: PlanBuilder,
) -> None:
    hit = marker_hits.get(wanted.item_id)
    if wanted.referenced_key is not None:
        key = wanted.referenced_key
        snapshot = referenced.get(key) or snapshots.get(key)
        if snapshot is None and hit is not None and hit.key == key:
            snapshot = hit
        refusal = claims.refusal(wanted.item_id, key)
        if refusal is not None:
            # Never two items on one issue, nor an issue taken from the item it belongs to:
            # the item waits, reported, until a person corrects the document.
            out.refusals.append(refusal)
            out.skipped += 1
            return
        _adopt(wanted, key, snapshot, out)
    elif hit is not None:
        _adopt(wanted, hit.key, hit, out)
    elif wanted.create_if_missing:
        fields = wanted.fields
        if not wanted.assignee_known and fields.assignee is not None:
            fields = replace(fields, assignee=None)
        out.creates.append(
            CreateIssue(
                item_id=wanted.item_id, marker=wanted.marker, fields=fields, origin=wanted.origin
            )
        )
    else:
        out.skipped += 1


def _adopt(
    wanted: DesiredIssue, key: str, snapshot: IssueSnapshot | None, out: PlanBuilder
) -> None:
    """Link an existing issue. Without a snapshot its labels are unknown: add them all.

    An issue carrying this item's marker and syncd's own description is syncd's, found again;
    any other is a person's: its text stays theirs, and only its empty fields are filled.
    """
    labels = wanted.fields.labels
    own = (
        snapshot is not None
        and wanted.item_id in snapshot.markers
        and is_syncd_text(snapshot.fields.description)
    )
    out.adopts.append(
        AdoptIssue(
            item_id=wanted.item_id,
            key=key,
            add_labels=labels if snapshot is None else labels - snapshot.fields.labels,
            add_marker=snapshot is None or wanted.item_id not in snapshot.markers,
            source=wanted.fields,
            fill=NO_CHANGES if own or snapshot is None else _empty_fields_filled(wanted, snapshot),
            own=own,
            checked=snapshot is not None,
        )
    )
    if snapshot is not None:
        # The issue was read: its status counts now, as it would for a mirrored one.
        read_status(wanted.item_id, key, snapshot, False, None, wanted.done_in_source, out)


def _empty_fields_filled(wanted: DesiredIssue, snapshot: IssueSnapshot) -> FieldChanges:
    """What syncd writes into a person's issue on adoption: only what the issue leaves empty."""
    theirs, ours = snapshot.fields, wanted.fields
    description: str | Keep = KEEP
    assignee: str | Keep = KEEP
    if not theirs.description.strip() and ours.description.strip():
        description = adopted_description(ours.description)
    if theirs.assignee is None and wanted.assignee_known and ours.assignee is not None:
        assignee = ours.assignee
    return FieldChanges(
        description=description,
        assignee=assignee,
        due=ours.due if theirs.due is None and ours.due is not None else KEEP,
        priority=ours.priority if theirs.priority is None and ours.priority is not None else KEEP,
    )
