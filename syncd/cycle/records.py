"""What a sync cycle records in the state store besides the mirror's own state: what its
sources read (before any tracker write) and how it ended (its failing items and its run), each
in one transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from syncd.cycle.removal_guard import ReadJudgement
from syncd.execute.outcome import MirrorOutcome
from syncd.model import ActionItem, Flag
from syncd.reconcile.store_plan import OpKind, StoreOperation
from syncd.reconcile.team_items import SourceOutcome, TeamItems
from syncd.store import DocumentSeen, StateStore


def record_reading(
    store: StateStore,
    team: str,
    reading: TeamItems,
    plan: tuple[StoreOperation, ...],
    outcomes: list[SourceOutcome],
    now: datetime,
    guard: Mapping[str, ReadJudgement],
) -> None:
    """What the sources read, in one transaction, before any tracker write: an item's id is
    stored before an intent names it."""
    with store.together("record what the sources read") as tx:
        _record_reading(tx, team, reading, plan, outcomes, now, guard)


def _record_reading(
    store: StateStore,
    team: str,
    reading: TeamItems,
    plan: tuple[StoreOperation, ...],
    outcomes: list[SourceOutcome],
    now: datetime,
    guard: Mapping[str, ReadJudgement],
) -> None:
    store.save_items(team, reading.items, seen_at=now)
    store.mark_orphaned(team, [op.item for op in plan if op.kind is OpKind.ORPHAN], at=now)
    for outcome in outcomes:
        if not outcome.ok:
            continue
        seen: dict[str, DocumentSeen] = {}
        for doc in outcome.documents:
            seen[doc.postmortem.document] = _document_seen(doc.postmortem, None)
        for failure in outcome.failures:
            seen[failure.document] = _document_seen(None, failure.error)
        store.record_documents(team, outcome.name, seen, at=now)
        judgement = guard.get(outcome.name)
        if judgement is None:
            continue
        if judgement.remember is not None:
            store.record_good_read(team, outcome.name, judgement.remember, at=now)
        else:
            store.record_held_read(
                team,
                outcome.name,
                cycles=judgement.cycle,
                since=judgement.held_since or now,
                note=judgement.message(),
                at=now,
            )


def failing_items(reading: TeamItems, outcome: MirrorOutcome | None) -> list[ActionItem]:
    """The items whose issue could not be written, flagged in the store until a sync writes
    them: the digest lists them as errors."""
    if outcome is None or not outcome.failed_items:
        return []
    failed = outcome.failed_items
    return [
        dataclasses.replace(i, flags=i.flags | {Flag.ERROR})
        for i in reading.items
        if i.id in failed
    ]


def finish_cycle(
    store: StateStore,
    team: str,
    run_id: int,
    failing: list[ActionItem],
    now: datetime,
    outcome: str,
    counts: Mapping[str, int],
) -> None:
    """The cycle's closing record in one transaction: its failing items flagged, its run
    finished."""
    with store.together("record the end of a sync run") as tx:
        tx.save_items(team, failing, seen_at=now)
        tx.finish_run(run_id, at=now, outcome=outcome, counts=counts)


def _document_seen(postmortem: Any, error: str | None) -> DocumentSeen:
    return DocumentSeen(
        title=postmortem.title if postmortem is not None else None,
        postmortem_date=postmortem.date if postmortem is not None else None,
        content_hash=None,
        last_error=error,
    )
