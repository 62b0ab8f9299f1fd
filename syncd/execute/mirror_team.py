"""One mirror cycle for one team: read the tracker, plan, and apply the plan — exactly once.

The only place that writes to a tracker. The jobs are kept apart: what the plan is made from
(``syncd.execute.inputs``), the intent protocol that creates each issue exactly once
(``syncd.execute.intents``), the other tracker writes (``syncd.execute.writes``), the cycle's
bookkeeping written once at its end (``syncd.execute.bookkeeping``), and its outcome
(``syncd.execute.outcome``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from syncd.cycle.progress import ProgressListener, ReadingTracker
from syncd.cycle.tracker_errors import tracker_failure
from syncd.execute import adoption
from syncd.execute.bookkeeping import Bookkeeping
from syncd.execute.context import MirrorContext
from syncd.execute.inputs import (
    desired_issues,
    known_assignees,
    marker_hits,
    named_items,
    report_references,
)
from syncd.execute.intent_settling import IntentSettling
from syncd.execute.intents import resolve_open_intents
from syncd.execute.outcome import MirrorOutcome, WriteTally, report_plan
from syncd.execute.records import mirror_records
from syncd.execute.reviews import (
    ReviewIssues,
    apply_reviews,
    follow_moved_reviews,
    items_only,
    mark_moved_reviews,
    merged,
    plan_reviews,
)
from syncd.execute.writes import apply_plan, restore_markers
from syncd.http import AuthError, HttpError
from syncd.judge.recurrence import ItemRecurrence, Key
from syncd.mirror.model import DesiredIssue, IssueSnapshot, MirrorRecord
from syncd.mirror.operations import RefuseAdoption
from syncd.mirror.planner import plan
from syncd.model import Status
from syncd.output.failure_streaks import TRACKER
from syncd.output.logs import get_logger, log_failure
from syncd.reconcile.team_items import TeamItems
from syncd.resolve.people import PeopleDirectory
from syncd.store import TrackerCursor, TrackerLink
from syncd.store.roles import MirrorStore
from syncd.tracker import ChangedIssues, ConditionalReads, Tracker

__all__ = ["MirrorOutcome", "mirror_team"]


@dataclass(frozen=True, slots=True)
class _Read:
    """What the cycle read before planning."""

    links: Mapping[str, TrackerLink]
    records: Mapping[str, MirrorRecord]
    cursor: TrackerCursor | None
    changed: ChangedIssues
    desired: list[DesiredIssue]
    snapshots: Mapping[str, IssueSnapshot]  # every issue read: changed, by marker, referenced
    restore: tuple[tuple[str, str], ...]  # markers people removed: (key, item id)
    hits: Mapping[str, IssueSnapshot]  # issues found by marker for ids without a record


def mirror_team(
    *,
    team: str,
    reading: TeamItems,
    previous_status: Mapping[str, Status],
    store: MirrorStore,
    tracker: Tracker,
    people: PeopleDirectory,
    mirror_done_items: bool,
    now: datetime,
    dry_run: bool,
    replica: str | None = None,
    previous_owner: Mapping[str, str | None] | None = None,
    progress: ProgressListener | None = None,
    full_read: ChangedIssues | None = None,
    recreate_missing: bool = False,
    settling: IntentSettling | None = None,
    reviews: ReviewIssues | None = None,
    recurring: Mapping[Key, ItemRecurrence] | None = None,
) -> MirrorOutcome:
    """Mirror one team's items (and, with ``reviews``, its follow-up review issues). Tracker
    failures are reported in the outcome, never raised.

    ``full_read``: every marked issue, read earlier in this cycle (``syncd.cycle.recovery``);
    used instead of reading them again when the store has no cursor yet. ``recreate_missing``: an
    issue found deleted when syncd writes to it is replaced by a new one (a person asked for it:
    ``sync --recreate-missing``); otherwise it is reported only. ``settling`` (a fenced writer):
    other holders' open intents wait until they are old enough to settle
    (``syncd.execute.intent_settling``); a lost lease raises ``LeaseLostError``.
    ``recurring``: by postmortem, the open items earlier ones left on its service, a line of
    its items' descriptions (``syncd.cycle.recurrence_inputs``).
    """
    outcome = MirrorOutcome(reviews=reviews is not None)
    log = get_logger(team=team, tracker=tracker.system)
    if progress is not None:
        progress(ReadingTracker(team, tracker.system))
    items = {i.id: i for i in reading.items}
    ctx = MirrorContext(
        team, store, tracker, outcome, Bookkeeping(team, now), now, replica, items, log
    )
    try:
        if not dry_run:
            resolve_open_intents(team, store, tracker, outcome, now, settling)
        read = _read_and_plan(
            ctx,
            reading,
            previous_status,
            people,
            mirror_done_items,
            previous_owner,
            full_read,
            recurring or {},
        )
        if dry_run:
            if reviews is not None and outcome.plan is not None:
                records, links = follow_moved_reviews(
                    ctx, reading, read.records, read.links, persist=False
                )
                planned = plan_reviews(
                    ctx,
                    reviews,
                    reading,
                    records,
                    links,
                    read.snapshots,
                    read.hits,
                    outcome.plan,
                )
                outcome.plan = merged(outcome.plan, planned)
            return outcome
        wanted = {d.item_id: d for d in read.desired} if recreate_missing else None
        _apply_and_record(ctx, read, reading, progress, wanted, settling, reviews)
    except AuthError as exc:
        outcome.stopped = tracker_failure(exc)
        log_failure(log, TRACKER, "mirror.auth_failed", error=str(exc))
        _keep_what_was_done(ctx, dry_run)
    except HttpError as exc:
        outcome.stopped = tracker_failure(exc)
        event = "mirror.tracker_unreachable" if exc.failure else "mirror.tracker_failed"
        log_failure(log, TRACKER, event, error=str(exc), status=exc.status)
        _keep_what_was_done(ctx, dry_run)
    return outcome


def _read_and_plan(
    ctx: MirrorContext,
    reading: TeamItems,
    previous_status: Mapping[str, Status],
    people: PeopleDirectory,
    mirror_done_items: bool,
    previous_owner: Mapping[str, str | None] | None,
    full_read: ChangedIssues | None,
    recurring: Mapping[Key, ItemRecurrence],
) -> _Read:
    """Read the store and the tracker, and plan (``ctx.outcome.plan``); writes nothing."""
    team, store, tracker, outcome = ctx.team, ctx.store, ctx.tracker, ctx.outcome
    links = store.links(team)
    records = mirror_records(links, store.bases(team))
    cursor = store.cursor(team, tracker.system)
    changed = _changed_issues(tracker, cursor, full_read)
    hits = marker_hits(changed.snapshots, records, links, tracker, full=cursor is None)
    references = adoption.references(reading.items, tracker)
    desired = desired_issues(
        reading.items,
        tracker,
        people,
        mirror_done_items,
        outcome,
        known_assignees(records, previous_owner),
        references,
        recurring,
    )
    referenced = adoption.read_referenced(desired, records, changed.snapshots, tracker)
    outcome.plan = plan(
        desired,
        items_only(records),
        changed.snapshots,
        orphaned=[k.id for k in reading.orphaned],
        marker_hits=hits,
        newly_done_in_source=[
            i.id
            for i in reading.items
            if i.status is Status.DONE and previous_status.get(i.id) is Status.OPEN
        ],
        referenced=referenced,
    )
    named = named_items(reading)
    report_references(outcome.plan, references, records, named, tracker, outcome)
    markers = adoption.check_markers(
        [*changed.snapshots.values(), *referenced.values()], records, named, tracker
    )
    outcome.problems += markers.problems
    snapshots = {**changed.snapshots, **{s.key: s for s in hits.values()}, **referenced}
    return _Read(links, records, cursor, changed, desired, snapshots, tuple(markers.restore), hits)


def _changed_issues(
    tracker: Tracker, cursor: TrackerCursor | None, full_read: ChangedIssues | None
) -> ChangedIssues:
    if cursor is None and full_read is not None:
        return full_read
    if isinstance(tracker, ConditionalReads):
        tracker.use_etag(None if cursor is None else cursor.etag)
    return tracker.changed_since(None if cursor is None else cursor.last_updated_seen)


def _apply_and_record(
    ctx: MirrorContext,
    read: _Read,
    reading: TeamItems,
    progress: ProgressListener | None,
    recreating: Mapping[str, DesiredIssue] | None,
    settling: IntentSettling | None,
    reviews: ReviewIssues | None,
) -> None:
    """The plan's tracker writes, then the cycle's bookkeeping in one store write."""
    the_plan, outcome, book = ctx.outcome.plan, ctx.outcome, ctx.book
    assert the_plan is not None
    restore_markers(ctx, read.restore)
    tally = WriteTally(ctx.team, ctx.tracker.system, the_plan, progress)
    apply_plan(ctx, the_plan, read.snapshots, reading, tally, recreating, settling)
    if reviews is not None:
        # After the items' writes: the reviews list the keys just created.
        records, links = follow_moved_reviews(
            ctx, reading, read.records, {**ctx.store.links(ctx.team), **book.links}, persist=True
        )
        review_plan = plan_reviews(
            ctx, reviews, reading, records, links, read.snapshots, read.hits, the_plan
        )
        review_tally = WriteTally(ctx.team, ctx.tracker.system, review_plan, progress)
        apply_reviews(ctx, review_plan, read.snapshots, reading, review_tally)
        mark_moved_reviews(ctx, read.links)
        the_plan = outcome.plan = merged(the_plan, review_plan)
    book.close_and_reopen(ctx.store, the_plan, read.links, outcome)
    report_plan(the_plan, outcome)
    # Items held back for want of an issue they may have: flagged until a person settles it.
    ctx.failed.update(r.item_id for r in the_plan.of_type(RefuseAdoption))
    outcome.failed_items = ctx.failed
    book.reached(read.changed, ctx.tracker.system, read.cursor)
    book.settle(ctx.store, read.records, read.changed.snapshots, read.snapshots)


def _keep_what_was_done(ctx: MirrorContext, dry_run: bool) -> None:
    """A cycle the tracker stopped still records the links and bases of the writes it made."""
    if not dry_run:
        ctx.book.write(ctx.store)
