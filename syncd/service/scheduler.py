"""When each team's sync and digest run: APScheduler jobs, one pair per team.

Syncs run every interval with jitter, so that many teams (and replicas) do not hit a tracker at
the same second. ``max_instances=1`` means a team never overlaps with itself: a run that is due
while the previous one is still going is skipped, and ``coalesce`` folds missed runs into one.
Digests run on the team's cron in the team's time zone.

A heartbeat job runs every few seconds on an executor of its own: its last run time tells
``/readyz`` that the scheduler's thread still dispatches jobs. Its own executor, because the
team jobs' workers may all be busy for a long time with a slow tracker, which is no reason to
take the replica out of service.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from syncd.cron import cron_trigger
from syncd.logs import get_logger
from syncd.service.readiness import HEARTBEAT_PERIOD, SchedulerPulse

SYNC_JOB, DIGEST_JOB, HEARTBEAT_JOB = "sync", "digest", "heartbeat"
_HEARTBEAT_EXECUTOR = "heartbeat"
# A digest more than an hour late is better skipped: the next slot follows.
DIGEST_GRACE = timedelta(hours=1)
DEFAULT_WORKERS = 4


@dataclass(frozen=True, slots=True)
class TeamSchedule:
    team: str
    digest_schedule: str | None  # a 5-field cron, or None when the team posts no digest
    timezone: str


def job_id(kind: str, team: str) -> str:
    return f"{kind}:{team}"


class TeamScheduler:
    def __init__(
        self,
        *,
        interval: timedelta,
        run_sync: Callable[[str], None],
        run_digest: Callable[[str], None],
        jitter: timedelta | None = None,
        workers: int = DEFAULT_WORKERS,
        heartbeat_period: timedelta = HEARTBEAT_PERIOD,
        ticks: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._jitter = jitter if jitter is not None else interval / 10
        self._run_sync = run_sync
        self._run_digest = run_digest
        self._heartbeat_period = heartbeat_period
        self._ticks = ticks
        self._last_heartbeat: float | None = None
        self._scheduler = BackgroundScheduler(
            executors={
                "default": ThreadPoolExecutor(workers),
                _HEARTBEAT_EXECUTOR: ThreadPoolExecutor(1),
            },
            timezone=UTC,
        )
        self._scheduler.add_listener(self._skipped, EVENT_JOB_MAX_INSTANCES)
        self._teams: dict[str, TeamSchedule] = {}

    def start(self) -> None:
        self._last_heartbeat = self._ticks()  # the reference until the first beat
        self._scheduler.add_job(
            self._beat,
            IntervalTrigger(seconds=self._heartbeat_period.total_seconds()),
            id=HEARTBEAT_JOB,
            name=HEARTBEAT_JOB,
            executor=_HEARTBEAT_EXECUTOR,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,  # a late beat still runs: it is the proof of life
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.start()

    def pulse(self) -> SchedulerPulse:
        """Whether the scheduler runs, and how long ago it last dispatched its heartbeat."""
        # APScheduler keeps its thread in `_thread` and publishes no other way to see it.
        thread = getattr(self._scheduler, "_thread", None)
        running = bool(self._scheduler.running) and thread is not None and thread.is_alive()
        last = self._last_heartbeat
        return SchedulerPulse(running, math.inf if last is None else self._ticks() - last)

    def _beat(self) -> None:
        self._last_heartbeat = self._ticks()

    def shutdown(self) -> None:
        """Stop scheduling; runs in flight go on (the caller decides how long to wait)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def set_interval(self, interval: timedelta) -> None:
        if interval != self._interval:
            self._interval = interval
            self._jitter = interval / 10
            for team in list(self._teams.values()):
                self._add_sync(team.team, first=None)

    def set_teams(self, teams: Iterable[TeamSchedule]) -> None:
        """Schedule exactly ``teams``: add new ones, update changed ones, drop the rest."""
        wanted = {team.team: team for team in teams}
        for name in set(self._teams) - set(wanted):
            for kind in (SYNC_JOB, DIGEST_JOB):
                if self._scheduler.get_job(job_id(kind, name)) is not None:
                    self._scheduler.remove_job(job_id(kind, name))
        for name, team in wanted.items():
            if name not in self._teams:
                self._add_sync(name, first=datetime.now(UTC))
            if self._teams.get(name) != team:
                self._set_digest(team)
        self._teams = wanted

    def sync_soon(self, team: str) -> None:
        """Run the team's sync now (it was just taken over or added), then every interval."""
        job = self._scheduler.get_job(job_id(SYNC_JOB, team))
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC))

    def sync_at(self, team: str, when: datetime) -> bool:
        """Run the team's sync at ``when`` when that comes before its next regular run (its
        tracker account's budget opens then); True if moved. No thread waits meanwhile."""
        job = self._scheduler.get_job(job_id(SYNC_JOB, team))
        if job is None:
            return False
        upcoming = job.next_run_time
        if upcoming is not None and upcoming <= when:
            return False
        job.modify(next_run_time=when)
        return True

    def next_sync(self, team: str) -> datetime | None:
        job = self._scheduler.get_job(job_id(SYNC_JOB, team))
        return job.next_run_time if job is not None else None

    def _add_sync(self, team: str, *, first: datetime | None) -> None:
        kwargs = {"next_run_time": first} if first is not None else {}
        self._scheduler.add_job(
            self._run_sync,
            IntervalTrigger(
                seconds=self._interval.total_seconds(), jitter=self._jitter.total_seconds()
            ),
            args=[team],
            id=job_id(SYNC_JOB, team),
            name=job_id(SYNC_JOB, team),
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(self._interval.total_seconds()) or 1,
            **kwargs,
        )

    def _set_digest(self, team: TeamSchedule) -> None:
        ident = job_id(DIGEST_JOB, team.team)
        if team.digest_schedule is None:
            if self._scheduler.get_job(ident) is not None:
                self._scheduler.remove_job(ident)
            return
        self._scheduler.add_job(
            self._run_digest,
            cron_trigger(team.digest_schedule, ZoneInfo(team.timezone)),
            args=[team.team],
            id=ident,
            name=ident,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(DIGEST_GRACE.total_seconds()),
        )

    def _skipped(self, event: JobSubmissionEvent) -> None:
        kind, _, team = str(event.job_id).partition(":")
        get_logger(team=team).info(f"service.{kind}_still_running")
