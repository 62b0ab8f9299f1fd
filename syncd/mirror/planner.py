"""The mirror planner: (items, tracker snapshot, base) -> operations, CONTRACT §6.

Pure and tracker-neutral: it compares plain values and returns a ``Plan``; the executor
performs it. Reads are incremental, so an issue missing from ``snapshots`` has not changed
since the last cycle and its fields equal the record's base: a cycle in which nothing changed
plans nothing, at a cost that stays small for ten thousand items.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import MappingProxyType

from syncd.mirror.field_plan import plan_fields
from syncd.mirror.model import DesiredIssue, IssueSnapshot, MirrorRecord
from syncd.mirror.operations import ReportOrphan
from syncd.mirror.plan_result import Plan, PlanBuilder, PlanCounts
from syncd.mirror.status_plan import read_status, status_mismatch
from syncd.mirror.unmirrored_plan import Claims, plan_unmirrored

# Plan and PlanCounts are imported from here by the executor and the package.
__all__ = ["Plan", "PlanCounts", "plan"]

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
    out = PlanBuilder()
    seen: set[str] = set()
    claims = Claims.of(desired, records, snapshots, referenced)
    for wanted in desired:
        if wanted.item_id in seen:
            raise ValueError(f"item {wanted.item_id!r} is desired twice; item ids are unique")
        seen.add(wanted.item_id)
        record = records.get(wanted.item_id)
        if record is None:
            plan_unmirrored(wanted, snapshots, marker_hits, referenced, claims, out)
        else:
            snapshot = snapshots.get(record.key)
            _plan_mirrored(wanted, record, snapshot, wanted.item_id in newly_done_in_source, out)
    _read_back_absent_items(records, snapshots, seen, out)
    for item_id in sorted(set(orphaned) - seen):
        if (record := records.get(item_id)) is not None:
            out.orphans.append(ReportOrphan(item_id=item_id, key=record.key))
    return out.plan()


# -- mirrored items --------------------------------------------------------------------------


def _plan_mirrored(
    wanted: DesiredIssue,
    record: MirrorRecord,
    snapshot: IssueSnapshot | None,
    newly_done: bool,
    out: PlanBuilder,
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
    elif not plan_fields(wanted, record, snapshot, out):
        out.unchanged += 1  # bookkeeping or reports only; ``updated`` counts the writes
    if snapshot is not None:
        read_status(
            wanted.item_id,
            key,
            snapshot,
            record.tracker_done,
            record.resolution,
            wanted.done_in_source,
            out,
        )
    elif wanted.done_in_source and newly_done and not record.tracker_done:
        out.mismatches.append(status_mismatch(wanted.item_id, key, "new"))


# -- mirrored items absent from the sources this cycle ----------------------------------------


def _read_back_absent_items(
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
    desired_ids: set[str],
    out: PlanBuilder,
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
        plan_fields(None, record, snapshot, out)
        read_status(
            record.item_id,
            record.key,
            snapshot,
            record.tracker_done,
            record.resolution,
            False,
            out,
        )
