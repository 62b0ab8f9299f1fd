"""What ``sync`` and ``status`` print: JSON as CONTRACT §2 specifies, and plain data for tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from syncd.cli.status_totals import row_state
from syncd.cycle.team_cycle import TeamRun
from syncd.execute.mirror_team import MirrorOutcome
from syncd.judge.recurrence import ItemRecurrence, Key
from syncd.mirror.operations import CloseIssue, CreateIssue, operation_as_json
from syncd.mirror.review import is_review
from syncd.model import ActionItem, DocumentFailure, Flag, Status, TrackerAssignee
from syncd.reconcile.store_plan import count_plan
from syncd.store import StoredItem, TrackerLink

FLAG_ORDER = [f.value for f in Flag]


def item_json(item: ActionItem) -> dict[str, Any]:
    pm = item.postmortem
    return {
        "id": item.id,
        "title": item.title,
        "source": pm.source,
        "document": pm.url or pm.document,
        "path": pm.document,
        "line": item.line,
        "section": item.section,
        "postmortem": {
            "title": pm.title,
            "date": pm.date.isoformat() if pm.date else None,
            "date_origin": pm.date_origin,
            "severity": pm.severity,
        },
        "owner": item.owner.written,
        "assignee": item.owner.person,
        "owner_unresolved": item.owner.unresolved_reason,
        # The other owners the document names beside the assignee ("carol, dave": dave).
        "co_owners": [{"owner": c.written, "assignee": c.person} for c in item.owner.co_owners],
        "due": item.due.date.isoformat() if item.due.date else None,
        "due_origin": item.due.origin.value if item.due.origin else None,
        "due_written": item.due.written,
        "priority": item.priority.value if item.priority else None,
        "type": item.type.value if item.type else None,
        "status": item.status.value,
        "tracker_ref": item.tracker_ref.key if item.tracker_ref else None,
        "flags": sorted((f.value for f in item.flags), key=FLAG_ORDER.index),
    }


def stored_item_json(
    item: StoredItem, link: TrackerLink | None = None, holder: TrackerAssignee | None = None
) -> dict[str, Any]:
    """An item as the store holds it; with its mirrored issue when it has one.

    ``tracker_ref`` is the mirrored issue's key, else a reference found in the document;
    ``status`` is ``done`` when the document or the issue says so; ``state`` is the row's one
    state (``open``, ``done`` or ``orphaned``), what ``status``'s totals count;
    ``tracker_assignee`` is who holds the issue in the tracker now (a person may have
    reassigned it there), or null; ``tracker_unassigned`` is true when a person removed the
    assignee syncd had set, and the item is then unowned.
    """
    out = item_json(item.to_action_item())
    out["tracker_assignee"] = None
    out["tracker_unassigned"] = holder is not None and holder.cleared
    if holder is not None and holder.cleared:
        out["flags"] = sorted({*out["flags"], Flag.UNOWNED.value})
    elif holder is not None:
        out["tracker_assignee"] = {
            "id": holder.user_id,
            "name": holder.name,
            "person": holder.person,
        }
        # Someone holds the issue: the item is owned, whatever its document says.
        out["flags"] = [flag for flag in out["flags"] if flag != Flag.UNOWNED.value]
    if link is not None:
        out["tracker_ref"] = link.key
        out["issue"] = {
            "key": link.key,
            "url": link.url,
            "adopted": link.adopted,
            "done": link.tracker_done,
            "resolution": link.resolution,
        }
        if link.tracker_done:
            out["status"] = Status.DONE.value
    if item.orphaned_at is not None and Flag.ORPHANED.value not in out["flags"]:
        out["flags"] = sorted([*out["flags"], Flag.ORPHANED.value], key=FLAG_ORDER.index)
    out.setdefault("tracker_url", link.url if link is not None else item.tracker_url)
    out["first_seen"] = item.first_seen.isoformat()
    out["last_seen"] = item.last_seen.isoformat()
    out["orphaned_at"] = item.orphaned_at.isoformat() if item.orphaned_at else None
    out["state"] = row_state(item, link).value
    return out


def with_recurrence(
    out: dict[str, Any], recurring: Mapping[Key, ItemRecurrence], postmortem: Key
) -> dict[str, Any]:
    """An item's JSON with ``recurrence``: the open items earlier postmortems left on its
    postmortem's service (``ItemRecurrence.as_json``), or null."""
    found = recurring.get(postmortem)
    out["recurrence"] = found.as_json() if found is not None else None
    return out


def failure_json(failure: DocumentFailure) -> dict[str, Any]:
    return {
        "source": failure.source,
        "document": failure.document,
        "item": None,
        "error": failure.error,
    }


def team_errors(run: TeamRun) -> list[dict[str, Any]]:
    if run.error is not None:
        return [{"source": None, "document": None, "item": None, "error": run.error}]
    assert run.reading is not None
    errors = [failure_json(f) for f in run.reading.failures]
    errors += [
        {"source": source, "document": None, "item": None, "error": error}
        for source, error in run.reading.source_errors.items()
    ]
    # A mass removal the guard holds: nothing failed to read, but nothing was believed either.
    errors += [
        {"source": source, "document": None, "item": None, "error": why, "held": True}
        for source, why in run.reading.held_sources.items()
    ]
    for doc in run.reading.documents:
        errors += [
            {
                "source": doc.postmortem.source,
                "document": doc.postmortem.document,
                "item": None,
                "line": p.line,
                "error": p.message,
                "severity": "warning",
            }
            for p in doc.problems
        ]
    return errors


def tracker_problems_json(run: TeamRun) -> list[dict[str, Any]]:
    stage = run.tracker
    if stage is None or stage.outcome is None:
        return []
    problems = [
        {
            "source": None,
            "document": None,
            "item": p.item_id,
            "key": p.key,
            "error": p.message,
            **({"details": dict(p.details)} if p.details else {}),
        }
        for p in stage.outcome.problems
    ]
    if stage.outcome.stopped:
        problems.append(
            {"source": None, "document": None, "item": None, "error": stage.outcome.stopped}
        )
    return problems


def mirror_counts(mirror: MirrorOutcome | None, *, dry_run: bool) -> dict[str, int]:
    """Tracker counts: what was done, or in a dry run what the plan would do."""
    if mirror is None:
        return {"created": 0, "updated": 0, "adopted": 0, "unchanged": 0, "closed": 0}
    if dry_run and mirror.plan is not None:
        counts = mirror.plan.counts
        return {
            "created": counts.created,
            "updated": counts.updated,
            "adopted": counts.adopted,
            "unchanged": counts.unchanged,
            "closed": counts.closed,
        }
    return {
        "created": mirror.created,
        "updated": mirror.updated,
        "adopted": mirror.adopted,
        "unchanged": mirror.unchanged,
        "closed": mirror.closed,
    }


def review_counts(mirror: MirrorOutcome, *, dry_run: bool) -> dict[str, int]:
    """Follow-up review issues created and closed (in a dry run: planned)."""
    if dry_run and mirror.plan is not None:
        creates = mirror.plan.of_type(CreateIssue)
        return {
            "created": sum(1 for c in creates if is_review(c.item_id)),
            "closed": len(mirror.plan.of_type(CloseIssue)),
        }
    return {"created": mirror.reviews_created, "closed": mirror.reviews_closed}


def sync_json(runs: Iterable[TeamRun], *, dry_run: bool) -> dict[str, Any]:
    teams: dict[str, Any] = {}
    for run in runs:
        planned = count_plan(run.plan)
        mirror = run.tracker.outcome if run.tracker is not None else None
        mirror_plan = mirror.plan if mirror is not None else None
        entry: dict[str, Any] = {
            **mirror_counts(mirror, dry_run=dry_run),
            "tracked": planned.tracked,
            "changed": planned.changed,
            "orphaned": planned.orphaned,
            "restored": planned.restored,
            "errors": team_errors(run) + tracker_problems_json(run),
            "seconds": round(run.seconds, 3),
        }
        if run.tracker is not None and run.tracker.note:
            entry["tracker_note"] = run.tracker.note
        if run.nudges is not None:  # the team has nudges configured
            entry["nudges"] = [nudge.as_json() for nudge in run.nudges]
        if run.write_back is not None:  # a source of the team writes keys back
            entry["written_back"] = sum(w.written for w in run.write_back)
            entry["write_back"] = [w.as_json() for w in run.write_back]
        if mirror is not None and mirror.reviews:
            entry["reviews"] = review_counts(mirror, dry_run=dry_run)
        if mirror is not None and mirror.deferred is not None:
            # Left for a later cycle: the tracker account's budget is spent until ``until``.
            entry["deferred"] = mirror.deferred.as_json()
        if run.reading is not None:
            entry["documents"] = len(run.reading.documents)
            if dry_run:
                entry["items"] = [
                    with_recurrence(item_json(i), run.recurrences, (i.source, i.document))
                    for i in run.reading.items
                ]
                entry["plan"] = [{"target": "state_store", **op.as_json()} for op in run.plan]
                if mirror_plan is not None:
                    entry["plan"] += [
                        {"target": "tracker", **operation_as_json(op)}
                        for op in mirror_plan.operations
                    ]
                entry["plan"] += [
                    {"target": "document", "op": "write_back", "source": w.source, **e.as_json()}
                    for w in run.write_back or ()
                    for e in w.edits
                ]
        teams[run.team] = entry
    return {"dry_run": dry_run, "teams": teams}


def is_done(item: ActionItem) -> bool:
    return item.status is Status.DONE
