"""What a team's digest is built from, read from the state store and the team's configuration.

The edge between the store and the pure judge/digest packages: items with their issues, open
conflicts and orphaning; the policy in the team's time zone; chat ids from the people map; and
the schedule slot a digest belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from syncd.config.loader import LoadedTeam
from syncd.cron import cron_trigger
from syncd.cycle.team_reading import people_directory
from syncd.digest import ChatIds
from syncd.judge import ItemState, JudgePolicy
from syncd.judge.state import due_as_in_tracker
from syncd.limits import MAX_CRON_GAP
from syncd.model import Flag, Postmortem, Status, TrackerAssignee
from syncd.plugins import available
from syncd.reconcile.holders import tracker_assignees
from syncd.store import SourceRead, StateStore, StoredItem, TrackerLink


@dataclass(frozen=True, slots=True)
class DigestInputs:
    items: tuple[ItemState, ...]
    postmortems: tuple[Postmortem, ...]
    policy: JudgePolicy
    chat_ids: ChatIds
    source_warnings: tuple[str, ...] = ()  # sources whose mass removal is held


def judge_policy(team: LoadedTeam) -> JudgePolicy:
    policy = team.config.policy
    return JudgePolicy(
        due_soon_days=policy.due_soon_days,
        stale_after_days=policy.stale_after_days,
        review_after_days=policy.review_after_days,
        business_days=policy.business_days,
        holidays=frozenset(policy.holidays),
        timezone=ZoneInfo(team.config.timezone),
    )


def chat_ids(team: LoadedTeam) -> dict[str, dict[str, str]]:
    """Each person's handles in the installed notifiers (a tracker login is not a chat id)."""
    notifiers = set(available("notifier"))
    ids: dict[str, dict[str, str]] = {}
    for key, person in team.config.people.items():
        found = {kind: h for kind, h in person.handles.items() if h and kind in notifiers}
        if found:
            ids[key] = found
    return ids


def stored_holders(
    team: LoadedTeam,
    store: StateStore,
    items: Sequence[StoredItem],
    links: Mapping[str, TrackerLink],
) -> dict[str, TrackerAssignee]:
    """Who holds each item's issue in the tracker now, as ``status`` shows it."""
    return tracker_assignees(items, links, store.bases(team.config.team), people_directory(team))


def digest_inputs(team: LoadedTeam, store: StateStore) -> DigestInputs:
    name = team.config.team
    links = store.links(name)
    bases = store.bases(name)
    stored_items = store.stored_items(name)
    holders = tracker_assignees(stored_items, links, bases, people_directory(team))
    states = []
    postmortems: dict[tuple[str, str], Postmortem] = {}
    for stored in stored_items:
        item = stored.to_action_item()
        postmortems.setdefault((item.source, item.document), item.postmortem)
        link = links.get(stored.id)
        conflicts = tuple(bases.get(stored.id, {}).get("conflicts", ()))
        done_at = None
        if link is not None and link.tracker_done:
            done_at = link.updated_at
        elif item.status is Status.DONE:
            done_at = stored.updated_at
        states.append(
            ItemState(
                item=item,
                first_seen=stored.first_seen,
                issue_key=link.key if link else None,
                issue_url=link.url if link else None,
                tracker_done=bool(link and link.tracker_done),
                resolution=link.resolution if link else None,
                wont_do_unexplained=bool(link and link.won_t_do_explained is False),
                last_activity=link.last_activity if link else None,
                in_conflict=bool(conflicts),
                conflict_fields=conflicts,
                orphaned=stored.orphaned_at is not None,
                sync_error=(
                    "the last sync could not write its issue; see the sync log"
                    if Flag.ERROR in item.flags
                    else None
                ),
                done_at=done_at,
                tracker_assignee=holders.get(stored.id),
                tracker_due=_tracker_due(bases.get(stored.id)),
            )
        )
    return DigestInputs(
        # Judged, counted and shown on the issue's due date where a person moved it there.
        items=tuple(due_as_in_tracker(state) for state in states),
        postmortems=tuple(postmortems.values()),
        policy=judge_policy(team),
        chat_ids=chat_ids(team),
        source_warnings=tuple(held_source_notes(team, store)),
    )


def held_source_reads(team: LoadedTeam, store: StateStore) -> list[SourceRead]:
    """The configured sources whose mass removal the last sync held, in the team file's order."""
    reads = store.source_reads(team.config.team)
    return [
        read
        for source in team.config.sources
        if (read := reads.get(source.name)) is not None and read.held_cycles > 0
    ]


def held_source_notes(team: LoadedTeam, store: StateStore) -> list[str]:
    """What the last sync reported of each source whose mass removal it held."""
    return [read.held_note for read in held_source_reads(team, store) if read.held_note]


def current_slot(schedule: str, timezone: str, now: datetime) -> datetime:
    """The latest time at or before ``now`` at which the team's digest cron fires."""
    trigger = cron_trigger(schedule, ZoneInfo(timezone))
    # Walk forward from a week and a day back: every 5-field schedule fires within that span
    # unless it names a month or day that is rarer; then search further back, as far as the
    # longest wait a valid schedule may leave (syncd.limits).
    for lookback in (timedelta(days=8), MAX_CRON_GAP + timedelta(days=1)):
        fire: datetime | None = trigger.get_next_fire_time(None, now - lookback)
        latest: datetime | None = None
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    raise ValueError(f"the schedule {schedule!r} did not fire in the past year")


def tracker_dues(bases: Mapping[str, Mapping[str, Any]]) -> dict[str, date]:
    """Each item's issue due date in its last synced fields, where it has one."""
    return {item: due for item, base in bases.items() if (due := _tracker_due(base)) is not None}


def _tracker_due(base: Mapping[str, Any] | None) -> date | None:
    """The issue's due date in its last synced fields, when it has one."""
    fields = (base or {}).get("base")
    due = fields.get("due") if isinstance(fields, Mapping) else None
    return None if due is None else date.fromisoformat(str(due))
