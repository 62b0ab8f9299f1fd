"""What one replica's ``Service`` holds, declared once for the parts it is made of (lease
keeping, configuration reload, the sync and digest jobs, shutdown); ``Service.__init__`` sets it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syncd.config.loader import LoadedConfig, LoadedTeam
from syncd.service.drain import DrainableStore
from syncd.service.failure_log import ServiceFailures
from syncd.service.http import ProbeServer
from syncd.service.leases import TeamLeases
from syncd.service.metrics import ServiceMetrics
from syncd.service.scheduler import TeamSchedule, TeamScheduler
from syncd.service.signals import ServiceSignals
from syncd.store import StateStore


def real_now() -> datetime:
    return datetime.now(UTC)  # leases measure real durations between replicas: never pinned


class ServiceState:
    metrics: ServiceMetrics
    signals: ServiceSignals
    probes: ProbeServer
    _config_path: Path
    _env: Mapping[str, str]
    _loaded: LoadedConfig
    _work_store: DrainableStore
    _control_store: StateStore
    _leases: TeamLeases
    _interval: timedelta
    _interval_fixed: bool  # injected (tests): reloads keep it
    _clock: Callable[[], datetime]
    _failures: dict[str, int]  # team -> failed cycles in a row, on this replica
    # What the logs already said of each team's failures: each is logged once, then its
    # recovery (the counts above and in /metrics go on counting every one).
    _failure_logs: ServiceFailures
    # `run --confirm-removal`: confirms what the first cycle of each team on this replica
    # finds held (``syncd.cycle.removal_guard``); a later loss is held again.
    _confirm_removal: frozenset[str]
    _confirm_spent: set[str]  # teams whose first cycle has read its sources
    _running: set[str]
    _running_changed: threading.Condition
    _lease_stop: threading.Event
    _lease_thread: threading.Thread
    _scheduler: TeamScheduler

    def _team(self, name: str) -> LoadedTeam | None:
        for team in self._loaded.teams:
            if team.config.team == name:
                return team
        return None


def team_schedules(loaded: LoadedConfig) -> list[TeamSchedule]:
    return [
        TeamSchedule(
            team=team.config.team,
            digest_schedule=team.config.digest.schedule if team.config.digest.channels else None,
            timezone=team.config.timezone,
        )
        for team in loaded.teams
    ]
