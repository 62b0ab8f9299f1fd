"""What ``/readyz`` answers: can this replica work?

Ready means: the configuration is loaded, the state store answers, and the scheduler is alive —
its thread runs and it still dispatches jobs (a heartbeat job it runs every few seconds ran
recently) — and so does the thread that renews the team leases.

Never "a tracker is up" nor "a team's last sync succeeded": a Jira outage would mark every
replica unready at once, stall rollouts (``maxUnavailable: 0``) and node drains (the
PodDisruptionBudget counts ready pods), and restarting would mend nothing. A team whose syncs
fail shows in ``/metrics`` instead (``syncd_sync_consecutive_failures``,
``syncd_last_successful_sync_timestamp_seconds``), where an alert can name the team.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

OK = "ok"
HEARTBEAT_PERIOD = timedelta(seconds=5)
# Missed heartbeats before the scheduler counts as stuck: a busy interpreter delays a beat by
# a second or two, never by half a minute.
HEARTBEAT_STALE_AFTER_PERIODS = 6
# The readiness probe waits 3 s (deploy/kubernetes); the store's answer must come before.
STORE_CHECK_TIMEOUT = timedelta(seconds=2)


@dataclass(frozen=True, slots=True)
class SchedulerPulse:
    running: bool  # started, not shut down, and its thread alive
    since_heartbeat: float  # seconds since the heartbeat job last ran (or the scheduler started)


@dataclass(frozen=True, slots=True)
class Readiness:
    checks: Mapping[str, str] = field(default_factory=dict)  # check -> "ok", or why not

    @property
    def problems(self) -> dict[str, str]:
        return {name: state for name, state in self.checks.items() if state != OK}

    @property
    def ready(self) -> bool:
        return not self.problems


def judge_readiness(
    *,
    config_error: str | None,
    store_error: str | None,
    scheduler: SchedulerPulse,
    leases_running: bool,
    heartbeat_period: timedelta = HEARTBEAT_PERIOD,
) -> Readiness:
    """Each check's state; ready when every one is ``ok``."""
    stale_after = heartbeat_period.total_seconds() * HEARTBEAT_STALE_AFTER_PERIODS
    if not scheduler.running:
        scheduler_state = "the scheduler is not running"
    elif scheduler.since_heartbeat > stale_after:
        scheduler_state = (
            f"the scheduler is stuck: its heartbeat job last ran {scheduler.since_heartbeat:.0f}s "
            f"ago (it runs every {heartbeat_period.total_seconds():g}s)"
        )
    else:
        scheduler_state = OK
    return Readiness(
        {
            "config": config_error or OK,
            "store": f"the state store does not answer: {store_error}" if store_error else OK,
            "scheduler": scheduler_state,
            "leases": OK if leases_running else "the lease renewal thread is not running",
        }
    )
