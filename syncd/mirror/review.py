"""Follow-up review issues: one tracker issue per postmortem, "Follow-up review: <title>".

A review is mirrored like an item (``policy.review_issues``): it has an id of its own
(``review-<hash of team, source and document>``) and a marker, so it is created under the same
intents, found again by its marker after a lost state store, and kept in step through the same
three-way comparison (a person's edit to its text is kept). What differs is decided here, pure:

- its fields are built from the postmortem's items: the due date is the postmortem's review
  date (``review_after_days``, business days included), the description lists each item with
  its issue key and state;
- it is created only while some item of the postmortem is open (an old postmortem whose items
  are all done gets none when the feature is switched on), and kept in step once created;
- it is closed (``CloseIssue``) when every item is done, the one status syncd ever writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from syncd.mirror.model import DesiredIssue, IssueFields, IssueOrigin, IssueSnapshot, MirrorRecord
from syncd.mirror.operations import CloseIssue, MarkDone, MarkReopened, Operation
from syncd.mirror.render import REVIEW_FOOTER, summary_text
from syncd.model import ActionItem, Postmortem, Status

REVIEW_PREFIX = "review-"
TITLE_PREFIX = "Follow-up review: "


def review_id(team: str, source: str, document: str) -> str:
    """The review's id: stable for the postmortem (team, source, document), never an item's."""
    digest = hashlib.sha256("\x1f".join((team, source, document)).encode("utf-8")).hexdigest()
    return REVIEW_PREFIX + digest[:16]


def is_review(item_id: str | None) -> bool:
    """Whether an id (a marker's) is a follow-up review's, not an action item's."""
    return bool(item_id) and str(item_id).startswith(REVIEW_PREFIX)


@dataclass(frozen=True, slots=True)
class ItemIssue:
    """What a review says of one item: its issue, if it has one, and whether it is done."""

    key: str | None
    done: bool


@dataclass(frozen=True, slots=True)
class WantedReview:
    """One postmortem's review as the sources want it this cycle."""

    desired: DesiredIssue
    all_done: bool  # every item of the postmortem is done: the review is closed


def item_issues(
    items: Iterable[ActionItem],
    keys: Mapping[str, str],
    tracker_done: Mapping[str, bool],
    status_ops: Iterable[Operation] = (),
) -> dict[str, ItemIssue]:
    """Each item's issue and state: done in its document, or its issue done in the tracker
    (as recorded, or as this cycle's plan just read it: ``MarkDone`` / ``MarkReopened``)."""
    done_now = dict(tracker_done)
    for op in status_ops:
        if isinstance(op, MarkDone):
            done_now[op.item_id] = True
        elif isinstance(op, MarkReopened):
            done_now[op.item_id] = False
    return {
        item.id: ItemIssue(
            keys.get(item.id), item.status is Status.DONE or done_now.get(item.id, False)
        )
        for item in items
    }


def wanted_reviews(
    team: str,
    items: Sequence[ActionItem],
    issues: Mapping[str, ItemIssue],
    *,
    reviewed: Collection[str],
    review_date: Callable[[date], date],
    marker: Callable[[str], str],
    labels: frozenset[str],
    quote: Callable[[str], str] = str,
) -> list[WantedReview]:
    """The reviews of the team's postmortems, in the order their first items come.

    ``review_date``: the postmortem's date to its review date (the team's policy,
    ``syncd.judge.postmortems.review_date``). ``reviewed``: review ids that already have an
    issue (kept in step whatever their items' state). Any other postmortem gets one only while
    one of its items is open. ``quote``: how the tracker quotes document text in the
    description (``syncd.tracker.quoter``), so that a title mentions and links nothing.
    """
    by_postmortem: dict[tuple[str, str], list[ActionItem]] = {}
    for item in items:
        by_postmortem.setdefault((item.source, item.document), []).append(item)
    wanted = []
    for (source, document), its_items in by_postmortem.items():
        rid = review_id(team, source, document)
        all_done = all(issues[i.id].done for i in its_items)
        if all_done and rid not in reviewed:
            continue
        postmortem = its_items[0].postmortem
        desired = DesiredIssue(
            item_id=rid,
            marker=marker(rid),
            fields=review_fields(postmortem, its_items, issues, review_date, labels, quote),
            assignee_known=False,  # syncd knows no postmortem owner: never sets one
            done_in_source=False,  # the review's status is written by syncd (CloseIssue)
            referenced_key=None,
            create_if_missing=not all_done,
            origin=IssueOrigin(
                item_id=rid,
                source=source,
                document=document,
                title=TITLE_PREFIX + postmortem.title,
                postmortem_title=postmortem.title,
                postmortem_date=postmortem.date,
                team=team,
            ),
        )
        wanted.append(WantedReview(desired, all_done))
    return wanted


def review_fields(
    postmortem: Postmortem,
    items: Sequence[ActionItem],
    issues: Mapping[str, ItemIssue],
    review_date: Callable[[date], date],
    labels: frozenset[str],
    quote: Callable[[str], str] = str,
) -> IssueFields:
    due = review_date(postmortem.date) if postmortem.date is not None else None
    return IssueFields(
        summary=summary_text(TITLE_PREFIX + postmortem.title),
        description=review_text(postmortem, items, issues, quote),
        assignee=None,
        due=due,
        priority=None,
        labels=labels,
    )


def review_text(
    postmortem: Postmortem,
    items: Sequence[ActionItem],
    issues: Mapping[str, ItemIssue],
    quote: Callable[[str], str] = str,
) -> str:
    """The review's description: the postmortem, then each item with its issue and state.

    Deterministic, like an item's description: it changes only when an item, its issue or its
    state does, so a quiet cycle writes nothing. The document's text (titles, its name) is
    quoted; the issue keys are syncd's and stay links."""
    when = f" ({postmortem.date.isoformat()})" if postmortem.date is not None else ""
    where = postmortem.url or quote(f"{postmortem.source}: {postmortem.document}")
    done = sum(1 for i in items if issues[i.id].done)
    lines = []
    for item in items:
        issue = issues[item.id]
        mark = "[x]" if issue.done else "[ ]"
        key = issue.key or "no issue yet"
        state = "done" if issue.done else "open"
        lines.append(f"- {mark} {key}: {quote(summary_text(item.title, 200))} ({state})")
    return "\n\n".join(
        (
            f'Follow-up review of the postmortem "{quote(postmortem.title)}"{when}:\n{where}',
            f"Action items, {done} of {len(items)} done:\n" + "\n".join(lines),
            REVIEW_FOOTER,
        )
    )


def plan_closes(
    wanted: Iterable[WantedReview],
    records: Mapping[str, MirrorRecord],
    snapshots: Mapping[str, IssueSnapshot],
) -> list[CloseIssue]:
    """Close each review whose items are all done and whose issue is open, as far as syncd
    knows (an issue read this cycle says; otherwise the record)."""
    closes = []
    for review in wanted:
        record = records.get(review.desired.item_id)
        if not review.all_done or record is None:
            continue
        snapshot = snapshots.get(record.key)
        done = record.tracker_done if snapshot is None else snapshot.status_category == "done"
        if not done:
            closes.append(CloseIssue(item_id=record.item_id, key=record.key))
    return closes
