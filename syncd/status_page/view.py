"""What the status page shows of a team, as data: pure, over judged items and the team's
daily snapshots, with an injected clock.

The sections are the digest's (``syncd.digest.build_digest``: counts, overdue by postmortem,
due soon, needs attention, follow-up reviews due), so the page and the digest never disagree.
The per-owner view narrows the items to the ids ``syncd status --owner`` keeps (the caller
asks ``syncd.cli.status_filters``) before anything is built. The charts read the snapshots:
the team's days, whatever the owner chosen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from syncd.digest import build_digest
from syncd.digest.build import digest_entry
from syncd.digest.model import Digest, DigestEntry
from syncd.judge import ItemState, JudgePolicy, judge_item
from syncd.judge.snapshots import DailySnapshot, open_ages
from syncd.judge.team_days import team_today
from syncd.model import Postmortem

DAILY_DAYS = 180  # the open/done chart's window
MONTHS = 12  # the rates chart's window


@dataclass(frozen=True, slots=True)
class TeamInputs:
    """What a team's page is built from (read by ``syncd.status_page.loading``)."""

    team: str
    items: Sequence[ItemState]
    postmortems: Sequence[Postmortem]
    policy: JudgePolicy
    source_warnings: Sequence[str]
    snapshots: Sequence[DailySnapshot]  # oldest first


@dataclass(frozen=True, slots=True)
class OwnerChoice:
    value: str  # what ``?owner=`` takes: the people-map key, else the name as written
    label: str  # untrusted
    open_items: int


@dataclass(frozen=True, slots=True)
class MonthRates:
    month: str  # "2026-11"
    completion: float | None  # percent; None: no snapshot that month, or nothing to count
    on_time: float | None


@dataclass(frozen=True, slots=True)
class TeamPage:
    team: str
    today: date
    digest: Digest  # of the owner's items when one is chosen
    owner: str | None  # untrusted: as asked
    owners: tuple[OwnerChoice, ...]
    owner_items: tuple[DigestEntry, ...]  # the chosen owner's open items, by due date
    daily_start: date
    open_by_day: dict[date, float]
    done_by_day: dict[date, float]
    months: tuple[MonthRates, ...]
    open_ages: tuple[tuple[str, int], ...]


def build_team_page(
    inputs: TeamInputs,
    now: datetime,
    *,
    owner: str | None = None,
    owner_ids: Collection[str] | None = None,
) -> TeamPage:
    """The team's page at ``now``; with ``owner``, only the items of ``owner_ids``."""
    today = team_today(now, inputs.policy.timezone)
    judgements = [judge_item(state, inputs.policy, now) for state in inputs.items]
    open_entries = [(j, digest_entry(j)) for j in judgements if not j.done and not j.orphaned]
    owners = _owners([entry for _, entry in open_entries])
    items = inputs.items
    if owner is not None:
        kept = frozenset(owner_ids or ())
        items = [state for state in items if state.item.id in kept]
        judgements = [j for j in judgements if j.state.item.id in kept]
        open_entries = [(j, e) for j, e in open_entries if j.state.item.id in kept]
    digest = build_digest(
        inputs.team,
        items,
        inputs.postmortems,
        inputs.policy,
        now,
        since=None,
        link_base=None,
        source_warnings=inputs.source_warnings,
    )
    owner_items = (
        tuple(e for _, e in sorted(open_entries, key=lambda pair: _due_order(pair[1])))
        if owner is not None
        else ()
    )
    daily_start = today - timedelta(days=DAILY_DAYS - 1)
    recent = [s for s in inputs.snapshots if s.day >= daily_start]
    return TeamPage(
        team=inputs.team,
        today=today,
        digest=digest,
        owner=owner,
        owners=owners,
        owner_items=owner_items,
        daily_start=daily_start,
        open_by_day={s.day: float(s.open) for s in recent},
        done_by_day={s.day: float(s.done) for s in recent},
        months=month_rates(inputs.snapshots, today),
        open_ages=open_ages(judgements, inputs.policy, today),
    )


def month_rates(snapshots: Sequence[DailySnapshot], today: date) -> tuple[MonthRates, ...]:
    """The last ``MONTHS`` months up to ``today``'s, each with the rates of its last snapshot;
    a month without any snapshot has no rates (a gap, not a zero)."""
    last: dict[str, DailySnapshot] = {}
    for snapshot in sorted(snapshots, key=lambda s: s.day):
        last[snapshot.day.strftime("%Y-%m")] = snapshot
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(
        MonthRates(label, _percent(found.completion_rate), _percent(found.on_time_rate))
        if (found := last.get(label)) is not None
        else MonthRates(label, None, None)
        for label in reversed(months)
    )


def _owners(entries: Sequence[DigestEntry]) -> tuple[OwnerChoice, ...]:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for entry in entries:
        if entry.owner is None:
            continue
        value = entry.owner.person or entry.owner.written
        if value:
            counts[value] += 1
            labels.setdefault(value, entry.owner.written or value)
    return tuple(
        OwnerChoice(value=value, label=labels[value], open_items=counts[value])
        for value in sorted(counts, key=lambda v: (labels[v].casefold(), v))
    )


def _due_order(entry: DigestEntry) -> tuple[object, ...]:
    return (entry.due is None, entry.due or date.min, entry.title.casefold(), entry.item_id)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)
