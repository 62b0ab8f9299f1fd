"""Applying a plan to the tracker: creates (under intents), adoptions and updates.

A failed write costs its item only, never the cycle; what each write changes in the store is
noted in the cycle's bookkeeping (``syncd.execute.bookkeeping``), written once at its end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from syncd.cycle.deferral import Deferral
from syncd.cycle.tracker_errors import describe, reference_problem
from syncd.execute import adoption
from syncd.execute.bookkeeping import new_link
from syncd.execute.context import MirrorContext
from syncd.execute.inputs import named_items
from syncd.execute.intent_settling import IntentSettling, intent_time
from syncd.execute.intents import chunks, create_batch, guard_duplicates, recreate
from syncd.execute.outcome import WriteTally
from syncd.execute.records import base_json, base_json_of
from syncd.http import AuthError, HttpError, NotFoundError, RateLimitedError
from syncd.mirror.model import DesiredIssue, IssueSnapshot
from syncd.mirror.operations import AdoptIssue, CreateIssue, RefuseAdoption, SetBase, UpdateIssue
from syncd.mirror.planner import Plan
from syncd.model import ActionItem
from syncd.reconcile.team_items import TeamItems
from syncd.store import TrackerLink
from syncd.tracker import Tracker, TrackerProblem


def apply_plan(
    ctx: MirrorContext,
    the_plan: Plan,
    snapshots: Mapping[str, IssueSnapshot],
    reading: TeamItems,
    tally: WriteTally,
    recreating: Mapping[str, DesiredIssue] | None = None,
    settling: IntentSettling | None = None,
) -> None:
    tally.report()
    _apply_creates(ctx, the_plan.of_type(CreateIssue), tally, settling)
    _apply_adopts(ctx, the_plan.of_type(AdoptIssue), snapshots, reading, tally)
    missing = _apply_updates(ctx, the_plan.of_type(UpdateIssue), tally, recreating)
    for set_base in the_plan.of_type(SetBase):
        if (
            set_base.item_id not in ctx.failed
            and set_base.item_id not in ctx.outcome.deferred_items
        ):
            ctx.book.base(set_base.item_id, base_json_of(set_base))
    if missing and recreating is not None:
        recreate(ctx, missing, recreating)


def _apply_creates(
    ctx: MirrorContext,
    creates: Sequence[CreateIssue],
    tally: WriteTally,
    settling: IntentSettling | None,
) -> None:
    outcome = ctx.outcome
    created: list[CreateIssue] = []
    for batch in chunks(creates, ctx.tracker.create_batch_size):
        if outcome.deferred is not None:
            # The budget is spent: nothing more is sent, nor read, for creates this cycle.
            outcome.deferred = Deferral(
                outcome.deferred.items + len(batch), outcome.deferred.until, outcome.deferred.limit
            )
        else:
            created += create_batch(ctx, batch, intent_at=intent_time(settling, ctx.now))
        tally.advance(len(batch))
    # One look per cycle, not per batch: reads in proportion to what was created.
    guard_duplicates(created, ctx.tracker, outcome)


def _apply_adopts(
    ctx: MirrorContext,
    adopts: Sequence[AdoptIssue],
    snapshots: Mapping[str, IssueSnapshot],
    reading: TeamItems,
    tally: WriteTally,
) -> None:
    # After this cycle's creates: an issue just created for one item is never adopted by another.
    held = ctx.store.links(ctx.team) if adopts else {}
    for adopt in adopts:
        tally.advance(1)  # counted as it is taken up: every path below ends this item's turn
        snapshot = snapshots.get(adopt.key)
        if not adopt.checked:
            snapshot = snapshot or _read_quietly(ctx.tracker, adopt.key)
            if _claimed_by_others(ctx, adopt, snapshot, held, reading):
                continue
        link = _adopt_one(ctx, adopt, snapshot)
        if link is not None:
            held[adopt.item_id] = link


def _claimed_by_others(
    ctx: MirrorContext,
    adopt: AdoptIssue,
    snapshot: IssueSnapshot | None,
    held: Mapping[str, TrackerLink],
    reading: TeamItems,
) -> bool:
    key = adopt.key if snapshot is None else snapshot.key
    others = adoption.claimants(adopt.item_id, key, held, snapshot)
    if not others:
        return False
    refusal = RefuseAdoption(adopt.item_id, adopt.key, "claimed", others)
    keys = {i: link.key for i, link in held.items()}
    named = {**named_items(reading), **ctx.items}
    ctx.outcome.problems.append(adoption.refusal_problem(refusal, named, keys))
    ctx.failed.add(adopt.item_id)
    return True


def _adopt_one(
    ctx: MirrorContext, adopt: AdoptIssue, snapshot: IssueSnapshot | None
) -> TrackerLink | None:
    """Adopt one issue and note its link and base; None when it was not adopted."""
    tracker = ctx.tracker
    if not _adopt_or_report(ctx, adopt, ctx.items.get(adopt.item_id)):
        return None
    if adopt.fill and not write(
        ctx, adopt.item_id, adopt.key, lambda: tracker.update(adopt.key, adopt.fill)
    ):
        return None
    snapshot = snapshot or _read_one(tracker, adopt.key)
    if snapshot is None:
        ctx.failed.add(adopt.item_id)
        ctx.outcome.problems.append(
            TrackerProblem(
                adopt.item_id,
                adopt.key,
                f"{adopt.key} was adopted but could not be read back; "
                "syncd reads it again on the next cycle",
            )
        )
        return None
    filled: dict[str, Any] = adopt.fill.as_dict()
    fields = dataclasses.replace(
        snapshot.fields, labels=snapshot.fields.labels | adopt.add_labels, **filled
    )
    ctx.book.base(adopt.item_id, base_json(fields, adopt.source, frozenset()))
    # The tracker's own spelling of the key ("#45" is "acme/payments#45"), so later
    # reads, keyed that way, find the record. ``adopted`` marks a person's issue.
    link = new_link(ctx.team, tracker, adopt.item_id, snapshot.key, ctx.now, adopted=not adopt.own)
    ctx.book.link(link)
    ctx.outcome.adopted += 1
    return link


def _apply_updates(
    ctx: MirrorContext,
    updates: Sequence[UpdateIssue],
    tally: WriteTally,
    recreating: Mapping[str, DesiredIssue] | None,
) -> list[UpdateIssue]:
    """Send the plan's updates; the ones whose issue is gone and is to be created again."""
    missing: list[UpdateIssue] = []
    for update in updates:
        dropped: dict[str, str] = {}

        def send(u: UpdateIssue = update, into: dict[str, str] = dropped) -> None:
            into.update(ctx.tracker.update(u.key, u.changes) or {})

        try:
            written = write(ctx, update.item_id, update.key, send, missing=True)
        except NotFoundError as exc:
            ctx.failed.add(update.item_id)
            gone = _gone(ctx.tracker, update.key)
            again = gone and recreating is not None
            ctx.outcome.problems.append(
                adoption.missing_issue_problem(
                    update.item_id, update.key, ctx.items.get(update.item_id), exc, gone, again
                )
            )
            if again and recreating is not None and update.item_id in recreating:
                missing.append(update)
            written = False
        tally.advance(1)
        if written:
            ctx.outcome.updated += 1
            for name, why in dropped.items():
                ctx.outcome.problems.append(
                    TrackerProblem(
                        update.item_id, update.key, f"{update.key}: {name} left out: {why}"
                    )
                )
    return missing


def restore_markers(ctx: MirrorContext, restore: Sequence[tuple[str, str]]) -> None:
    """Put back the markers people removed from issues syncd created (reported already)."""
    tracker = ctx.tracker
    failed: set[str] = set()  # reported, but the item's record is not held back for it
    for key, item_id in restore:

        def put_back(k: str = key, i: str = item_id) -> None:
            tracker.adopt(k, add_labels=(), marker=tracker.marker(i))

        _write(ctx, failed, item_id, key, put_back)


def write(
    ctx: MirrorContext, item_id: str, key: str, action: Callable[[], Any], *, missing: bool = False
) -> bool:
    """Run one tracker write for one item; a failure costs that item only, never the cycle.

    ``missing``: a ``NotFoundError`` (the issue is gone) is the caller's to handle.
    """
    return _write(ctx, ctx.failed, item_id, key, action, missing=missing)


def _write(
    ctx: MirrorContext,
    failed: set[str],
    item_id: str,
    key: str,
    action: Callable[[], Any],
    *,
    missing: bool = False,
) -> bool:
    try:
        action()
        return True
    except AuthError:
        raise
    except RateLimitedError as exc:
        ctx.outcome.defer(item_id, exc, ctx.now)
        return False
    except HttpError as exc:
        if missing and isinstance(exc, NotFoundError):
            raise
        failed.add(item_id)
        ctx.outcome.problems.append(
            TrackerProblem(item_id, key, f"writing to {key} failed: {describe(exc)}")
        )
        return False


def _adopt_or_report(ctx: MirrorContext, adopt: AdoptIssue, item: ActionItem | None) -> bool:
    """Adopt the issue an item names; when it cannot be, report the item and its reference."""
    try:
        marker = ctx.tracker.marker(adopt.item_id) if adopt.add_marker else None
        if adopt.add_labels or marker:
            ctx.tracker.adopt(adopt.key, add_labels=adopt.add_labels, marker=marker)
        return True
    except AuthError:
        raise
    except RateLimitedError as exc:
        ctx.outcome.defer(adopt.item_id, exc, ctx.now)
        return False
    except HttpError as exc:
        ctx.failed.add(adopt.item_id)
        ctx.outcome.problems.append(reference_problem(adopt, item, exc))
        return False


def _read_quietly(tracker: Tracker, key: str) -> IssueSnapshot | None:
    """The issue, or None when it cannot be read now (the adoption then reports why)."""
    try:
        return _read_one(tracker, key)
    except AuthError:
        raise
    except HttpError:
        return None


def _gone(tracker: Tracker, key: str) -> bool:
    """Whether the issue is truly not there: a read by key finds nothing (not a failed read)."""
    try:
        return _read_one(tracker, key) is None
    except AuthError:
        raise
    except HttpError:
        return False


def _read_one(tracker: Tracker, key: str) -> IssueSnapshot | None:
    """One issue by a key as a document wrote it; the tracker may answer in its own spelling."""
    found = tracker.get([key])
    if key in found:
        return found[key]
    return next(iter(found.values())) if len(found) == 1 else None
