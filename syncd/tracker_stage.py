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
from syncd.budget_ledger import StoreLedger
from syncd.config.loader import LoadedTeam
from syncd.extraction import TeamItems
from syncd.http.budget import rate_scale
from syncd.mirror_executor import MirrorOutcome, mirror_team
from syncd.model import Status
from syncd.progress import ProgressListener, waits_of_team
from syncd.resolve.people import PeopleDirectory
from syncd.store import StateStore
from syncd.tracker import Tracker, TrackerContext


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


def run_tracker_stage(
    team: LoadedTeam,
    reading: TeamItems,
    previous_status: Mapping[str, Status],
    previous_owner: Mapping[str, str | None],
    store: StateStore,
    people: PeopleDirectory,
    *,
    now: datetime,
    dry_run: bool,
    context_extras: Mapping[str, Any] | None = None,
    progress: ProgressListener | None = None,
) -> TrackerStage:
    config = team.config.tracker
    connector = plugins.connector_class("tracker", config.type)
    if not hasattr(connector, "changed_since"):
        return TrackerStage(None, f"the {config.type} connector cannot mirror yet")
    missing = [f"tracker.{p}" for p in missing_secrets(config.settings)]
    if missing:
        note = f"tracker not contacted: {', '.join(missing)} is empty (set its variable)"
        if dry_run:
            return TrackerStage(None, note)
        return TrackerStage(MirrorOutcome(stopped=note), note)
    # Outside a dry run, each account's rate limits live in the state store, shared by every
    # process, team and replica using the same credentials (a dry run writes nothing there).
    extras: dict[str, Any] = {"rate_scale": rate_scale(os.environ)}
    if not dry_run:
        extras["budget_ledger"] = StoreLedger(store)
    if progress is not None:
        extras["http_wait_observer"] = waits_of_team(team.config.team, progress)
    extras.update(context_extras or {})
    context = TrackerContext(team=team.config.team, now=now, **extras)
    tracker: Tracker = connector(config.settings, context)
    try:
        outcome = mirror_team(
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
        )
    finally:
        tracker.close()
    return TrackerStage(outcome)
