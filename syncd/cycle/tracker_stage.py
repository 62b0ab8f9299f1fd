"""The tracker stage of a team's cycle: open the team's tracker connector and mirror.

A tracker connector implementing ``syncd.tracker.Tracker`` is opened through the registry; a
dry run without credentials (the shipped example) plans against the state store only and says
so, instead of failing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, SecretStr

from syncd import plugins
from syncd.config.loader import LoadedTeam
from syncd.cycle.budget_ledger import StoreLedger
from syncd.cycle.digest_inputs import judge_policy
from syncd.cycle.progress import ProgressListener, waits_of_team
from syncd.execute.intent_settling import IntentSettling
from syncd.execute.mirror_team import MirrorOutcome, mirror_team
from syncd.execute.reviews import ReviewIssues
from syncd.http.budget import rate_scale
from syncd.judge.recurrence import ItemRecurrence, Key
from syncd.model import Status
from syncd.reconcile.team_items import TeamItems
from syncd.resolve.people import PeopleDirectory
from syncd.store import StateStore
from syncd.tracker import ChangedIssues, Tracker, TrackerContext


@dataclass(frozen=True, slots=True)
class TrackerStage:
    outcome: MirrorOutcome | None  # None when the tracker was not contacted
    note: str | None = None  # why not, for the person reading the output


def missing_secrets(settings: Any, path: str = "") -> Iterator[str]:
    """Key paths of secret settings that are empty (``${VAR:-}`` with VAR unset)."""
    if isinstance(settings, SecretStr):
        if not settings.get_secret_value():
            yield path
    elif isinstance(settings, BaseModel):
        for name in type(settings).model_fields:
            yield from missing_secrets(getattr(settings, name), f"{path}.{name}" if path else name)


@dataclass(frozen=True, slots=True)
class Unopened:
    """Why the team's tracker was not opened."""

    missing: tuple[str, ...] = ()  # secret settings left empty, as "tracker.<path>"
    cannot_mirror: bool = False  # the connector has no ``changed_since``

    def note(self, tracker_type: str) -> str:
        if self.cannot_mirror:
            return f"the {tracker_type} connector cannot mirror yet"
        return f"tracker not contacted: {', '.join(self.missing)} is empty (set its variable)"


def open_tracker(
    team: LoadedTeam,
    *,
    now: datetime,
    mirroring: bool = True,
    context_extras: Mapping[str, Any] | None = None,
    progress: ProgressListener | None = None,
    budget_store: StateStore | None = None,
) -> Tracker | Unopened:
    """The team's tracker, or why it cannot be opened (a connector that cannot mirror, an empty
    secret). The caller closes it. The one place a tracker connector is opened.

    ``mirroring``: False for ``syncd check``, which needs no mirroring connector and takes no
    part in a cycle's pacing or budget. ``budget_store`` (None in a dry run, which writes
    nothing): where each account's rate limits are kept, shared by every process, team and
    replica using the same credentials."""
    config = team.config.tracker
    connector = plugins.connector_class("tracker", config.type)
    if mirroring and not hasattr(connector, "changed_since"):
        return Unopened(cannot_mirror=True)
    missing = tuple(f"tracker.{p}" for p in missing_secrets(config.settings))
    if missing:
        return Unopened(missing=missing)
    extras: dict[str, Any] = {}
    if mirroring:
        extras["rate_scale"] = rate_scale(os.environ)
        if budget_store is not None:
            extras["budget_ledger"] = StoreLedger(budget_store)
        if progress is not None:
            extras["http_wait_observer"] = waits_of_team(team.config.team, progress)
        extras.update(context_extras or {})
    tracker: Tracker = connector(
        config.settings, TrackerContext(team=team.config.team, now=now, **extras)
    )
    return tracker


def run_tracker_stage(
    team: LoadedTeam,
    reading: TeamItems,
    previous_status: Mapping[str, Status],
    previous_owner: Mapping[str, str | None],
    store: StateStore,
    people: PeopleDirectory,
    *,
    tracker: Tracker | Unopened,
    now: datetime,
    dry_run: bool,
    progress: ProgressListener | None = None,
    recreate_missing: bool = False,
    full_read: ChangedIssues | None = None,
    settling: IntentSettling | None = None,
    recurring: Mapping[Key, ItemRecurrence] | None = None,
) -> TrackerStage:
    """Mirror the team into ``tracker``, the cycle's (``open_tracker``), which the caller
    closes; a tracker that could not be opened is a note, and a failure unless in a dry run.
    ``recurring``: each postmortem's recurrence, shown in its items' descriptions."""
    if isinstance(tracker, Unopened):
        note = tracker.note(team.config.tracker.type)
        if dry_run or tracker.cannot_mirror:
            return TrackerStage(None, note)
        return TrackerStage(MirrorOutcome(stopped=note), note)
    return TrackerStage(
        _mirror(
            team,
            reading,
            previous_status,
            previous_owner,
            store,
            people,
            tracker,
            now=now,
            dry_run=dry_run,
            progress=progress,
            full_read=full_read,
            recreate_missing=recreate_missing,
            settling=settling,
            recurring=recurring,
        )
    )


def _mirror(
    team: LoadedTeam,
    reading: TeamItems,
    previous_status: Mapping[str, Status],
    previous_owner: Mapping[str, str | None],
    store: StateStore,
    people: PeopleDirectory,
    tracker: Tracker,
    *,
    now: datetime,
    dry_run: bool,
    progress: ProgressListener | None,
    full_read: ChangedIssues | None = None,
    recreate_missing: bool = False,
    settling: IntentSettling | None = None,
    recurring: Mapping[Key, ItemRecurrence] | None = None,
) -> MirrorOutcome:
    return mirror_team(
        team=team.config.team,
        reading=reading,
        previous_status=previous_status,
        previous_owner=previous_owner,
        store=store,
        tracker=tracker,
        people=people,
        mirror_done_items=team.config.policy.mirror_done_items,
        now=now,
        dry_run=dry_run,
        progress=progress,
        full_read=full_read,
        recreate_missing=recreate_missing,
        settling=settling,
        replica=settling.holder if settling is not None else None,
        reviews=_review_issues(team),
        recurring=recurring,
    )


def _review_issues(team: LoadedTeam) -> ReviewIssues | None:
    """The team's follow-up review issues, when its policy asks for them."""
    return ReviewIssues(judge_policy(team)) if team.config.policy.review_issues else None
