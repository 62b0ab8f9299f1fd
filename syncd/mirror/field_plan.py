"""Planning a mirrored item's fields: each field merged three ways (source, base, tracker),
giving the update, the new base and the conflicts."""

from __future__ import annotations

from collections.abc import Mapping

from syncd.mirror.fields import NO_OPINION, Verdict, merge_field
from syncd.mirror.model import (
    MIRRORED_FIELDS,
    DesiredIssue,
    IssueFields,
    IssueSnapshot,
    MirrorRecord,
)
from syncd.mirror.operations import (
    LABELS_TO_ADD,
    FieldChanges,
    ReportConflict,
    SetBase,
    UpdateIssue,
)
from syncd.mirror.plan_result import PlanBuilder
from syncd.mirror.render import without_recurrence


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
        if _recurrence_alone_moved(fields.description, record, tracker):
            return (values[0], NO_OPINION, *values[2:])
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


def _recurrence_alone_moved(description: str, record: MirrorRecord, tracker: IssueFields) -> bool:
    """Whether only the description's recurrence line moved while the issue holds a person's
    description: syncd then has no opinion on it. Not a conflict (nothing the person wrote
    against is new), and not a write (theirs is kept). While the issue holds syncd's text, the
    line is kept current; a description already in conflict stays so, and reported."""
    last = record.source_side.description
    return (
        description != last
        and tracker.description != last
        and "description" not in record.conflicts
        and without_recurrence(description) == without_recurrence(last)
    )


def plan_fields(
    wanted: DesiredIssue | None,
    record: MirrorRecord,
    snapshot: IssueSnapshot | None,
    out: PlanBuilder,
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
    out: PlanBuilder,
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
