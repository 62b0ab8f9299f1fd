"""The mirror planner: (items, tracker snapshot, base) -> operations, CONTRACT §6.

Pure and tracker-neutral: it compares plain values and returns a ``Plan``; the executor
performs it. Reads are incremental, so an issue missing from ``snapshots`` has not changed
since the last cycle and its fields equal the record's base: a cycle in which nothing changed
plans nothing, at a cost that stays small for ten thousand items.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from types import MappingProxyType
from typing import TypeVar

from syncd.mirror.fields import NO_OPINION, Verdict, merge_field
from syncd.mirror.model import (
    MIRRORED_FIELDS,
    DesiredIssue,
    IssueFields,
    IssueSnapshot,
    MirrorRecord,
)
from syncd.mirror.operations import (
    KEEP,
    LABELS_TO_ADD,
    NO_CHANGES,
    AdoptIssue,
    CreateIssue,
    FieldChanges,
    Keep,
    MarkDone,
    MarkReopened,
    Operation,
    RefuseAdoption,
    ReportConflict,
    ReportOrphan,
    ReportStatusMismatch,
    SetBase,
    UpdateIssue,
)
from syncd.mirror.render import adopted_description, is_syncd_text
from syncd.mirror.status import is_won_t_do, open_status_phrase

_Op = TypeVar("_Op")


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """How many items each outcome concerns.

    ``created + adopted + updated + unchanged + skipped`` is the number of desired items:
    ``updated`` are mirrored items with a write this cycle, ``unchanged`` those without one,
    ``skipped`` items that are neither mirrored nor to be created (done in the source).
    """

    created: int = 0
    adopted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    closed: int = 0  # items that became done because their issue is done
    reopened: int = 0
    conflicts: int = 0  # fields in conflict, one report each
    status_mismatches: int = 0
    unexplained_closures: int = 0  # closed as "won't do" with no reason given
    orphaned: int = 0
    refused: int = 0  # items whose named issue was not adopted (held back, reported)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Plan:
    """The operations of one cycle, in the order the executor performs them.

    Creates come first and together (the executor sends them in bulk), then adoptions and
    updates (the other tracker writes), then bookkeeping (bases, status) and reports.
    """

    operations: tuple[Operation, ...]
    counts: PlanCounts

    def of_type(self, kind: type[_Op]) -> tuple[_Op, ...]:
        """The operations of one kind, in plan order: ``plan.of_type(CreateIssue)``."""
        return tuple(op for op in self.operations if isinstance(op, kind))


@dataclass(slots=True)
class _Builder:
    """Operations gathered per kind while planning, and the counts."""

    creates: list[CreateIssue] = field(default_factory=list)
    adopts: list[AdoptIssue] = field(default_factory=list)
    updates: list[UpdateIssue] = field(default_factory=list)
    bases: list[SetBase] = field(default_factory=list)
    done: list[MarkDone] = field(default_factory=list)
    reopened: list[MarkReopened] = field(default_factory=list)
    conflicts: list[ReportConflict] = field(default_factory=list)
    mismatches: list[ReportStatusMismatch] = field(default_factory=list)
    orphans: list[ReportOrphan] = field(default_factory=list)
    refusals: list[RefuseAdoption] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    closed: int = 0
    unexplained: int = 0

    def plan(self) -> Plan:
        operations: tuple[Operation, ...] = (
            *self.creates,
            *self.adopts,
            *self.updates,
            *self.bases,
            *self.done,
            *self.reopened,
            *self.conflicts,
            *self.mismatches,
            *self.orphans,
            *self.refusals,
        )
        counts = PlanCounts(
            created=len(self.creates),
            adopted=len(self.adopts),
            updated=len(self.updates),
            unchanged=self.unchanged,
            skipped=self.skipped,
            closed=self.closed,
            reopened=len(self.reopened),
            conflicts=len(self.conflicts),
            status_mismatches=len(self.mismatches),
            unexplained_closures=self.unexplained,
            orphaned=len(self.orphans),
            refused=len(self.refusals),
        )
        return Plan(operations=operations, counts=counts)


_NO_HITS: Mapping[str, IssueSnapshot] = MappingProxyType({})


def plan(
    desired: Sequence[DesiredIssue],
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
    *,
    orphaned: Collection[str],
    marker_hits: Mapping[str, IssueSnapshot] = _NO_HITS,
    newly_done_in_source: Collection[str] = frozenset(),
    referenced: Mapping[str, IssueSnapshot] = _NO_HITS,
) -> Plan:
    """Plan one cycle for one team's tracker.

    - ``desired``: every item the sources hold now (item ids unique).
    - ``records``: what syncd remembers, by item id.
    - ``snapshots``: the issues read this cycle, by issue key; only those updated since the
      previous cycle. An issue not among them is taken to hold its record's base.
    - ``orphaned``: item ids gone from their documents; reported, their issues left alone.
    - ``marker_hits``: issues found by their marker, by item id, for items without a record
      (a lost state store, an open intent): adopted, never created a second time.
    - ``newly_done_in_source``: items the source marks done this cycle and did not before.
      A "done in the document, open in the tracker" mismatch is reported when the item became
      done or the issue changed, not every cycle.
    - ``referenced``: the issues named by items without a record, read this cycle, by key
      (the team's own keys only: an issue elsewhere is never adopted). An issue is adopted
      only when it belongs to no other item: not mirrored to one, not carrying another's
      marker, not named by another item waiting for one.
    """
    out = _Builder()
    seen: set[str] = set()
    claims = _Claims.of(desired, records, snapshots, referenced)
    for wanted in desired:
        if wanted.item_id in seen:
            raise ValueError(f"item {wanted.item_id!r} is desired twice; item ids are unique")
        seen.add(wanted.item_id)
        record = records.get(wanted.item_id)
        if record is None:
            _plan_unmirrored(wanted, snapshots, marker_hits, referenced, claims, out)
        else:
            snapshot = snapshots.get(record.key)
            _plan_mirrored(wanted, record, snapshot, wanted.item_id in newly_done_in_source, out)
    _read_back_absent_items(records, snapshots, seen, out)
    for item_id in sorted(set(orphaned) - seen):
        if (record := records.get(item_id)) is not None:
            out.orphans.append(ReportOrphan(item_id=item_id, key=record.key))
    return out.plan()


# -- items without a record ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claims:
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
    ) -> _Claims:
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


def _plan_unmirrored(
    wanted: DesiredIssue,
    snapshots: Mapping[str, IssueSnapshot],
    marker_hits: Mapping[str, IssueSnapshot],
    referenced: Mapping[str, IssueSnapshot],
    claims: _Claims,
    out: _Builder,
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


def _adopt(wanted: DesiredIssue, key: str, snapshot: IssueSnapshot | None, out: _Builder) -> None:
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
        _read_status(wanted.item_id, key, snapshot, False, None, wanted.done_in_source, out)


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


# -- mirrored items --------------------------------------------------------------------------


def _plan_mirrored(
    wanted: DesiredIssue,
    record: MirrorRecord,
    snapshot: IssueSnapshot | None,
    newly_done: bool,
    out: _Builder,
) -> None:
    key = record.key
    if (
        snapshot is None
        and wanted.fields == record.base
        and record.source_base is None
        and not record.conflicts
    ):
        # The common case, kept cheap: neither side changed and nothing is pending.
        out.unchanged += 1
    elif not _plan_fields(wanted, record, snapshot, out):
        out.unchanged += 1  # bookkeeping or reports only; ``updated`` counts the writes
    if snapshot is not None:
        _read_status(
            wanted.item_id,
            key,
            snapshot,
            record.tracker_done,
            record.resolution,
            wanted.done_in_source,
            out,
        )
    elif wanted.done_in_source and newly_done and not record.tracker_done:
        out.mismatches.append(_mismatch(wanted.item_id, key, "new"))


def _source_values(
    wanted: DesiredIssue, record: MirrorRecord, tracker: IssueFields
) -> tuple[object, ...]:
    """The source's value of each field, in ``MIRRORED_FIELDS`` order."""
    fields = wanted.fields
    values = (
        fields.summary,
        fields.description,
        fields.assignee if wanted.assignee_known else NO_OPINION,
        fields.due,
        # No priority (none written, or not in the team's map): nothing to say. Trackers
        # rarely allow clearing one, and a person's choice is as good as none.
        NO_OPINION if fields.priority is None else fields.priority,
        fields.labels,
    )
    if not record.adopted:
        return values
    # A person's issue: its summary and description are theirs, never written; its other
    # fields are only filled while empty, so a value anyone set there is never replaced.
    _summary, _description, assignee, due, priority, labels = values
    return (
        NO_OPINION,
        NO_OPINION,
        assignee if tracker.assignee is None else NO_OPINION,
        due if tracker.due is None else NO_OPINION,
        priority if tracker.priority is None else NO_OPINION,
        labels,
    )


def _plan_fields(
    wanted: DesiredIssue | None,
    record: MirrorRecord,
    snapshot: IssueSnapshot | None,
    out: _Builder,
) -> bool:
    """Compare each field; emit the update, the new base and the conflicts. True: a write."""
    base = record.base
    source_side = record.source_side
    tracker = base if snapshot is None else snapshot.fields
    sources = (
        (NO_OPINION,) * len(MIRRORED_FIELDS)
        if wanted is None
        else _source_values(wanted, record, tracker)
    )
    changes: dict[str, object] = {}
    new_base: dict[str, object] = {}
    new_source: dict[str, object] = {}
    conflicts: set[str] = set()
    reports: list[ReportConflict] = []
    for name, source in zip(MIRRORED_FIELDS, sources, strict=True):
        tracker_value = getattr(tracker, name)
        verdict, base_value, source_value = merge_field(
            source,
            getattr(source_side, name),
            getattr(base, name),
            tracker_value,
            in_conflict=name in record.conflicts,
        )
        if verdict is Verdict.PUSH:
            if name == "labels":
                base_value = _push_labels(source, tracker_value, changes)
            else:
                changes[name] = source
        elif verdict is Verdict.CONFLICT:
            conflicts.add(name)
            reports.append(
                ReportConflict(
                    item_id=record.item_id,
                    key=record.key,
                    field=name,
                    source_value=source,
                    tracker_value=tracker_value,
                )
            )
        new_base[name] = base_value
        new_source[name] = source_value
    if changes:
        out.updates.append(
            UpdateIssue(item_id=record.item_id, key=record.key, changes=FieldChanges.of(changes))
        )
    _set_base(record, new_base, new_source, frozenset(conflicts), out)
    out.conflicts.extend(reports)
    return bool(changes)


def _set_base(
    record: MirrorRecord,
    new_base: Mapping[str, object],
    new_source: Mapping[str, object],
    conflicts: frozenset[str],
    out: _Builder,
) -> None:
    """The record's new base, source side and conflicts, when any of them moved."""
    next_base = IssueFields(**new_base)  # type: ignore[arg-type]
    next_source = IssueFields(**new_source)  # type: ignore[arg-type]
    next_source_base = None if next_source == next_base else next_source
    if (next_base, next_source_base, conflicts) != (
        record.base,
        None if record.source_side == record.base else record.source_base,
        record.conflicts,
    ):
        out.bases.append(
            SetBase(
                item_id=record.item_id,
                key=record.key,
                base=next_base,
                source_base=next_source_base,
                conflicts=conflicts,
            )
        )


def _push_labels(source: object, tracker_value: object, changes: dict[str, object]) -> object:
    """syncd only adds labels: the base becomes what the issue holds after the addition."""
    assert isinstance(source, frozenset) and isinstance(tracker_value, frozenset)
    missing = source - tracker_value
    if missing:
        changes[LABELS_TO_ADD] = missing
    return tracker_value | missing


# -- status ----------------------------------------------------------------------------------


def _read_status(
    item_id: str,
    key: str,
    snapshot: IssueSnapshot,
    recorded_done: bool,
    recorded_resolution: str | None,
    done_in_source: bool,
    out: _Builder,
) -> None:
    if snapshot.status_category == "done":
        won_t_do = is_won_t_do(snapshot.resolution)
        # A won't-do closure is read again whenever its issue changes: a reason may have been
        # added since, and the flag must then go.
        if not recorded_done or snapshot.resolution != recorded_resolution or won_t_do:
            out.done.append(
                MarkDone(
                    item_id=item_id,
                    key=key,
                    resolution=snapshot.resolution,
                    won_t_do=won_t_do,
                    explained=snapshot.closure_explained,
                )
            )
            out.closed += not recorded_done
            out.unexplained += won_t_do and not snapshot.closure_explained
        return
    if recorded_done:
        out.reopened.append(MarkReopened(item_id=item_id, key=key))
    if done_in_source:
        out.mismatches.append(_mismatch(item_id, key, snapshot.status_category))


def _mismatch(item_id: str, key: str, status_category: str) -> ReportStatusMismatch:
    detail = (
        f"done in the document, {open_status_phrase(status_category)} in the tracker ({key}); "
        "the tracker's status counts: close the issue, or reopen the item in the document"
    )
    return ReportStatusMismatch(item_id=item_id, key=key, detail=detail)


# -- mirrored items absent from the sources this cycle ----------------------------------------


def _read_back_absent_items(
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
    desired_ids: set[str],
    out: _Builder,
) -> None:
    """Issues read this cycle whose items are not among the desired ones (orphaned, or their
    source could not be read). Reads are incremental, so what they say must be recorded now or
    never: the tracker's values and status are taken, nothing is written to the tracker."""
    by_key: dict[str, MirrorRecord] | None = None
    absent: list[tuple[MirrorRecord, IssueSnapshot]] = []
    for key, snapshot in snapshots.items():
        record = records.get(snapshot.item_id) if snapshot.item_id is not None else None
        if record is None or record.key != key:
            if by_key is None:
                by_key = {rec.key: rec for rec in records.values()}
            record = by_key.get(key)
        if record is not None and record.item_id not in desired_ids:
            absent.append((record, snapshot))
    for record, snapshot in sorted(absent, key=lambda pair: pair[0].item_id):
        _plan_fields(None, record, snapshot, out)
        _read_status(
            record.item_id,
            record.key,
            snapshot,
            record.tracker_done,
            record.resolution,
            False,
            out,
        )
