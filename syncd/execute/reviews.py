"""Follow-up review issues in a mirror cycle: planned after the items, written the same way.

Reviews are planned once the items' writes are done, so a review lists the keys of issues
created in the same cycle, and sees the items the cycle just read as done. Their creates,
adoptions (by marker, after a lost store) and updates go through the one executor
(``apply_plan``: intents, markers, bookkeeping); the closes are the one write added here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from syncd.cycle.tracker_errors import describe
from syncd.execute.context import MirrorContext
from syncd.execute.outcome import WriteTally
from syncd.execute.writes import apply_plan, write
from syncd.http import AuthError, HttpError
from syncd.judge.policy import JudgePolicy
from syncd.judge.postmortems import review_date
from syncd.mirror.model import IssueSnapshot, MirrorRecord
from syncd.mirror.operations import CloseIssue, CreateIssue
from syncd.mirror.plan_result import Plan, PlanCounts
from syncd.mirror.planner import plan
from syncd.mirror.review import is_review, item_issues, plan_closes, wanted_reviews
from syncd.mirror.review_moves import carried_reviews
from syncd.reconcile.team_items import TeamItems
from syncd.store import TrackerLink
from syncd.tracker import ClosesIssues, TrackerProblem, quoter


@dataclass(frozen=True, slots=True)
class ReviewIssues:
    """A team's ``policy.review_issues`` switched on: how its review dates are counted."""

    policy: JudgePolicy


def items_only(records: Mapping[str, MirrorRecord]) -> dict[str, MirrorRecord]:
    """The item records: the items' plan never sees a review's (nor reads one back)."""
    return {item_id: r for item_id, r in records.items() if not is_review(item_id)}


def follow_moved_reviews(
    ctx: MirrorContext,
    reading: TeamItems,
    records: Mapping[str, MirrorRecord],
    links: Mapping[str, TrackerLink],
    *,
    persist: bool,
) -> tuple[dict[str, MirrorRecord], dict[str, TrackerLink]]:
    """The records and links with each moved postmortem's review re-keyed to its new place
    (``syncd.mirror.review_moves``); with ``persist``, re-keyed in the store too (the new
    link and base first, then the old ones forgotten: a crash between leaves both, never
    neither)."""
    carried = carried_reviews(
        ctx.team, reading.items, reading.moved_from, [i for i in links if is_review(i)]
    )
    new_records, new_links = dict(records), dict(links)
    for new, old in carried.items():
        link = dataclasses.replace(new_links.pop(old), item_id=new)
        new_links[new] = link
        if old in new_records:
            new_records[new] = dataclasses.replace(new_records.pop(old), item_id=new)
        if persist:
            base = ctx.store.bases(ctx.team).get(old)
            ctx.store.record_mirror_state(
                ctx.team,
                links=[link],
                bases={} if base is None else {new: base},
                cursor=None,
                at=ctx.now,
            )
            ctx.store.forget_link(ctx.team, old, link.key)
        ctx.log.info("mirror.review_moved", item=new, was=old, key=link.key)
    return new_records, new_links


def mark_moved_reviews(ctx: MirrorContext, before: Mapping[str, TrackerLink]) -> None:
    """Give each review re-keyed this cycle (its issue linked before under another id) its new
    marker, beside the old one, once its update is written (an update keeps the markers the
    issue holds): a lost state store then finds it by either (``marker_hits``)."""
    for item_id, link in ctx.store.links(ctx.team).items():
        if not is_review(item_id) or item_id in before:
            continue
        if any(b.key == link.key and b.item_id != item_id for b in before.values()):
            write(ctx, item_id, link.key, partial(_add_marker, ctx, link.key, item_id))


def _add_marker(ctx: MirrorContext, key: str, item_id: str) -> None:
    ctx.tracker.adopt(key, add_labels=(), marker=ctx.tracker.marker(item_id))


def plan_reviews(
    ctx: MirrorContext,
    reviews: ReviewIssues,
    reading: TeamItems,
    records: Mapping[str, MirrorRecord],
    links: Mapping[str, TrackerLink],
    snapshots: Mapping[str, IssueSnapshot],
    hits: Mapping[str, IssueSnapshot],
    items_plan: Plan,
) -> Plan:
    """The reviews' plan, given the items' plan and the links as they are now."""
    issues = item_issues(
        reading.items,
        {item_id: link.key for item_id, link in links.items()},
        {item_id: link.tracker_done for item_id, link in links.items()},
        items_plan.operations,
    )
    wanted = wanted_reviews(
        ctx.team,
        reading.items,
        issues,
        reviewed=[item_id for item_id in links if is_review(item_id)],
        review_date=lambda day: review_date(day, reviews.policy),
        marker=ctx.tracker.marker,
        labels=ctx.tracker.labels,
        quote=quoter(ctx.tracker),
    )
    review_records = {i: r for i, r in records.items() if is_review(i)}
    keys = {r.key for r in review_records.values()}
    review_snapshots = {k: s for k, s in snapshots.items() if k in keys or is_review(s.item_id)}
    planned = plan(
        [w.desired for w in wanted],
        review_records,
        review_snapshots,
        orphaned=(),
        marker_hits={i: s for i, s in hits.items() if is_review(i)},
    )
    closes = plan_closes(wanted, review_records, review_snapshots)
    return Plan(planned.operations + tuple(closes), planned.counts)


def apply_reviews(
    ctx: MirrorContext,
    review_plan: Plan,
    snapshots: Mapping[str, IssueSnapshot],
    reading: TeamItems,
    tally: WriteTally,
) -> None:
    """Write the reviews' plan: its creates, adoptions and updates, then its closes."""
    apply_plan(ctx, review_plan, snapshots, reading, tally)
    ctx.outcome.reviews_created += sum(
        1 for c in review_plan.of_type(CreateIssue) if c.item_id not in ctx.failed
    )
    for close in review_plan.of_type(CloseIssue):
        if close.item_id not in ctx.failed:
            _close(ctx, close)


def _close(ctx: MirrorContext, close: CloseIssue) -> None:
    if not isinstance(ctx.tracker, ClosesIssues):
        ctx.outcome.problems.append(
            TrackerProblem(
                close.item_id,
                close.key,
                f"every item of the review {close.key} is done, but the {ctx.tracker.system} "
                "connector cannot close issues: close it by hand",
            )
        )
        return
    try:
        ctx.tracker.close_issue(close.key)
    except AuthError:
        raise
    except HttpError as exc:
        ctx.failed.add(close.item_id)
        ctx.outcome.problems.append(
            TrackerProblem(
                close.item_id, close.key, f"closing the review {close.key}: {describe(exc)}"
            )
        )
        return
    # Done as syncd knows it: the next read of the closed issue is then no news.
    link = ctx.store.links(ctx.team).get(close.item_id)
    if link is not None:
        closed = dataclasses.replace(link, tracker_done=True, resolution="Done", updated_at=ctx.now)
        ctx.book.link(closed)
    ctx.outcome.reviews_closed += 1
    ctx.log.info("mirror.review_closed", item=close.item_id, key=close.key)


def merged(items_plan: Plan, review_plan: Plan) -> Plan:
    """The cycle's one plan, as ``sync --dry-run`` prints it and the bookkeeping reads it."""
    a, b = items_plan.counts, review_plan.counts
    counts = PlanCounts(**{name: getattr(a, name) + getattr(b, name) for name in a.as_dict()})
    return Plan(items_plan.operations + review_plan.operations, counts)
