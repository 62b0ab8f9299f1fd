"""Building a team's digest from its items: judge each, then sort them into the contract's order."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from syncd.digest.escape import clean_text
from syncd.digest.model import (
    Counts,
    Digest,
    DigestEntry,
    OverdueGroup,
    OwnerRef,
    PostmortemRef,
    Rates,
    Ratio,
    RecurringService,
    ReviewDue,
)
from syncd.judge import ItemJudgement, ItemState, JudgePolicy, judge_item, judge_postmortems
from syncd.judge.figures import started_on, team_figures
from syncd.judge.recurrence import recurrences
from syncd.judge.team_days import team_today
from syncd.model import DueOrigin, Postmortem

# With no earlier digest, "done since" looks back one week: the default schedule's period.
FIRST_DIGEST_LOOKBACK = timedelta(days=7)

# A tracker's error message can be long; the digest shows its start, the logs have all of it.
ERROR_LIMIT = 160

ChatIds = Mapping[str, Mapping[str, str]]  # person key -> channel type -> chat id


def build_digest(
    team: str,
    items: Sequence[ItemState],
    postmortems: Sequence[Postmortem],
    policy: JudgePolicy,
    now: datetime,
    since: datetime | None,
    link_base: str | None,
    chat_ids: ChatIds | None = None,
    source_warnings: Sequence[str] = (),
) -> Digest:
    """The digest of ``team`` at ``now``; ``since`` is when the last digest was built (or None).

    Postmortems are those of ``postmortems`` plus any an item comes from; reviews are judged for
    all of them. ``source_warnings``: sources whose mass removal is held, shown under "needs
    attention".
    """
    people = chat_ids or {}
    today = team_today(now, policy.timezone)
    window_start = since if since is not None else now - FIRST_DIGEST_LOOKBACK
    judgements = [judge_item(state, policy, now) for state in items]
    sections = _sections(judgements, window_start, now)

    def entry(j: ItemJudgement, *, reasons: bool = False) -> DigestEntry:
        return _entry(j, people, with_reasons=reasons)

    all_postmortems = list(postmortems) + [s.item.postmortem for s in items]
    reviews = _reviews_due(all_postmortems, judgements, policy, now)
    return Digest(
        team=team,
        generated_at=now,
        timezone=policy.timezone.key,
        since=window_start,
        since_last_digest=since is not None,
        due_soon_days=policy.due_soon_days,
        stale_after_days=policy.stale_after_days,
        link_base=link_base,
        counts=Counts(
            open=sum(1 for j in judgements if not j.done and not j.orphaned),
            overdue=len(sections.overdue),
            due_soon=len(sections.due_soon),
            stale=len(sections.stale),
            done_since=len(sections.done_since),
        ),
        done_since=tuple(entry(j) for j in sections.done_since),
        overdue=_group_by_postmortem([entry(j) for j in sections.overdue]),
        due_soon=tuple(entry(j) for j in sections.due_soon),
        stale=tuple(entry(j) for j in sections.stale),
        attention=tuple(entry(j, reasons=True) for j in sections.attention),
        reviews=reviews,
        rates=_rates(judgements, policy, today),
        source_warnings=tuple(source_warnings),
        recurring=tuple(
            RecurringService(
                _postmortem_ref(found.postmortem),
                found.service,
                tuple(_postmortem_ref(p) for p in found.earlier),
                found.open_items,
            )
            for found in recurrences(items, window_start)
        ),
    )


@dataclass(frozen=True, slots=True)
class _Sections:
    """The judged items of each section, in the contract's order."""

    done_since: list[ItemJudgement]
    overdue: list[ItemJudgement]
    due_soon: list[ItemJudgement]
    stale: list[ItemJudgement]
    attention: list[ItemJudgement]


def _sections(
    judgements: Sequence[ItemJudgement], window_start: datetime, now: datetime
) -> _Sections:
    done_since = [
        j
        for j in judgements
        if j.done
        and not j.state.orphaned
        and not j.wont_do_unexplained  # not a success: listed under "needs attention" instead
        and _in_window(j, window_start, now)
    ]
    done_since.sort(key=lambda j: (j.state.done_at or now, _title_key(j)))

    overdue = sorted((j for j in judgements if j.overdue), key=_by_due)
    due_soon = sorted((j for j in judgements if j.due_soon and not j.overdue), key=_by_due)
    stale = sorted(
        (j for j in judgements if j.stale and not j.overdue and not j.due_soon),
        key=lambda j: (-(j.idle_days or 0), _title_key(j)),
    )
    attention = [
        j
        for j in judgements
        if j.needs_attention
        and (
            not j.done
            or j.conflict
            or j.error is not None
            or (j.wont_do_unexplained and _in_window(j, window_start, now))
        )
    ]
    attention.sort(key=lambda j: (_postmortem_order(j), j.state.item.line, _title_key(j)))
    return _Sections(done_since, overdue, due_soon, stale, attention)


def _reviews_due(
    postmortems: Sequence[Postmortem],
    judgements: Sequence[ItemJudgement],
    policy: JudgePolicy,
    now: datetime,
) -> tuple[ReviewDue, ...]:
    reviews = [
        ReviewDue(
            postmortem=_postmortem_ref(p.postmortem),
            review_date=p.review_date,
            done=p.done,
            total=p.total,
            all_open=p.all_open,
        )
        for p in judge_postmortems(postmortems, judgements, policy, now)
        if p.review_due and p.review_date is not None
    ]
    reviews.sort(key=lambda r: (r.review_date, r.postmortem.title.casefold()))
    return tuple(reviews)


def _in_window(j: ItemJudgement, start: datetime, end: datetime) -> bool:
    return j.state.done_at is not None and start < j.state.done_at <= end


def _title_key(j: ItemJudgement) -> str:
    return j.state.item.title.casefold()


def _by_due(j: ItemJudgement) -> tuple[object, ...]:
    return (j.state.item.due.date, _title_key(j), j.state.item.id)


def _postmortem_order(j: ItemJudgement) -> tuple[object, ...]:
    postmortem = j.state.item.postmortem
    return (
        postmortem.date is None,
        postmortem.date,
        postmortem.title.casefold(),
        postmortem.document,
    )


def _group_by_postmortem(entries: list[DigestEntry]) -> tuple[OverdueGroup, ...]:
    """Groups ordered by postmortem date (oldest first); items keep their order within a group."""
    groups: dict[tuple[str, str], list[DigestEntry]] = {}
    refs: dict[tuple[str, str], PostmortemRef] = {}
    for entry in entries:
        key = (entry.postmortem.source, entry.postmortem.document)
        groups.setdefault(key, []).append(entry)
        refs[key] = entry.postmortem
    ordered = sorted(
        groups,
        key=lambda k: (refs[k].date is None, refs[k].date, refs[k].title.casefold(), k),
    )
    return tuple(OverdueGroup(postmortem=refs[k], entries=tuple(groups[k])) for k in ordered)


def _postmortem_ref(postmortem: Postmortem) -> PostmortemRef:
    return PostmortemRef(
        source=postmortem.source,
        document=postmortem.document,
        title=postmortem.title,
        date=postmortem.date,
        url=postmortem.url,
    )


def _owner_ref(j: ItemJudgement, people: ChatIds) -> OwnerRef | None:
    """Who holds the item: the tracker's assignee when a person reassigned the issue there."""
    owner = j.state.item.owner
    holder = j.state.tracker_assignee
    if holder is not None and (holder.person is None or holder.person != owner.person):
        return OwnerRef(
            written=holder.shown,
            person=holder.person,
            chat_ids=_chat_ids(people, holder.person),
            reassigned=True,
            document_owner=owner.written,
        )
    if owner.person is None and (j.unowned or owner.written is None):
        return None
    return OwnerRef(
        written=owner.written,
        person=owner.person,
        chat_ids=_chat_ids(people, owner.person),
        co_owners=tuple(c.person or c.written for c in owner.co_owners),
    )


def _chat_ids(people: ChatIds, person: str | None) -> tuple[tuple[str, str], ...]:
    ids = people.get(person, {}) if person is not None else {}
    return tuple(sorted((kind, value) for kind, value in ids.items() if value))


def digest_entry(j: ItemJudgement, people: ChatIds | None = None) -> DigestEntry:
    """One judged item as the digest shows it, with the reasons it needs attention, if any
    (the status page lists a person's items this way)."""
    return _entry(j, people or {}, with_reasons=True)


def _entry(j: ItemJudgement, people: ChatIds, *, with_reasons: bool) -> DigestEntry:
    item = j.state.item
    return DigestEntry(
        item_id=item.id,
        title=item.title,
        postmortem=_postmortem_ref(item.postmortem),
        owner=_owner_ref(j, people),
        issue_key=j.state.issue_key,
        link=j.state.issue_url,
        due=item.due.date,
        due_origin=item.due.origin,
        overdue_days=j.overdue_days,
        days_to_due=j.days_to_due,
        idle_days=j.idle_days if j.stale else None,
        done_at=j.state.done_at if j.done else None,
        reasons=_reasons(j) if with_reasons else (),
    )


def _reasons(j: ItemJudgement) -> tuple[str, ...]:
    """Why an item needs attention, in words its author can act on."""
    item = j.state.item
    reasons: list[str] = []
    if j.unowned:
        reasons.append("no owner")
    if j.owner_unresolved:
        reasons.append("owner not in the people map")
    if j.ambiguous_date:
        reasons.append(f"ambiguous due date \u201c{item.due.written or ''}\u201d")
    elif j.undated and item.due.origin is DueOrigin.POLICY and item.due.date is not None:
        reasons.append(f"no due date written (policy date {item.due.date.isoformat()} used)")
    elif j.undated:
        reasons.append("no due date")
    if j.vague is not None:
        reasons.append(f"vague: {j.vague}")
    if j.orphaned:
        reasons.append("removed from its document (issue left open)")
    if j.conflict:
        fields = ", ".join(j.state.conflict_fields)
        reasons.append(f"changed on both sides ({fields})" if fields else "changed on both sides")
    if j.error is not None:
        reasons.append(f"sync failing: {clean_text(j.error, ERROR_LIMIT)}")
    if j.wont_do_unexplained:
        reasons.append("closed as won't do without a reason")
    return tuple(reasons)


def _rates(judgements: Sequence[ItemJudgement], policy: JudgePolicy, today: date) -> Rates:
    # The same rules as ``syncd export`` and /metrics (``syncd.judge.figures``).
    figures = team_figures(judgements, policy)
    ages = [
        max(0, (today - started_on(j, policy)).days)
        for j in judgements
        if not j.state.orphaned and not j.done
    ]
    return Rates(
        completion=Ratio(figures.done, figures.items),
        on_time=Ratio(figures.on_time, figures.timed),
        median_open_age_days=float(statistics.median(ages)) if ages else None,
    )


__all__ = ["FIRST_DIGEST_LOOKBACK", "ChatIds", "build_digest", "digest_entry"]
