"""When each team's sync and digest run: APScheduler jobs, one pair per team.

Syncs run every interval with jitter, so that many teams (and replicas) do not hit a tracker at
the same second. ``max_instances=1`` means a team never overlaps with itself: a run that is due
while the previous one is still going is skipped, and ``coalesce`` folds missed runs into one.
Digests run on the team's cron in the team's time zone; a slot that came less than the grace
period before the team was scheduled (the service restarted just after it) runs at once.

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
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from syncd.clock import system_now
from syncd.cron import cron_trigger
from syncd.output.logs import get_logger
from syncd.service.readiness import HEARTBEAT_PERIOD, SchedulerPulse

SYNC_JOB, DIGEST_JOB, HEARTBEAT_JOB = "sync", "digest", "heartbeat"
CATCH_UP_JOB = "digest_catch_up"  # once, for a slot missed just before the team was scheduled
_HEARTBEAT_EXECUTOR = "heartbeat"
# Digests run on threads of their own: queued behind a surge of syncs (a replica taking over a
# dead one's teams), a slot's job would still count as running when the next slot came, and
# that slot would be skipped. One thread: digests are short, and do not compete with syncs.
_DIGEST_EXECUTOR = "digests"
DIGEST_WORKERS = 1
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
        wall: Callable[[], datetime] = system_now,
    ) -> None:
        self._interval = interval
        self._jitter = jitter if jitter is not None else interval / 10
        self._run_sync = run_sync
        self._run_digest = run_digest
        self._heartbeat_period = heartbeat_period
        self._ticks = ticks
        self._wall = wall  # only to tell whether a digest slot was missed
        self._last_heartbeat: float | None = None
        self._scheduler = BackgroundScheduler(
            executors={
                "default": ThreadPoolExecutor(workers),
                _HEARTBEAT_EXECUTOR: ThreadPoolExecutor(1),
                _DIGEST_EXECUTOR: ThreadPoolExecutor(DIGEST_WORKERS),
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
            for kind in (SYNC_JOB, DIGEST_JOB, CATCH_UP_JOB):
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
            for kind in (DIGEST_JOB, CATCH_UP_JOB):
                if self._scheduler.get_job(job_id(kind, team.team)) is not None:
                    self._scheduler.remove_job(job_id(kind, team.team))
            return
        trigger = cron_trigger(team.digest_schedule, ZoneInfo(team.timezone))
        self._scheduler.add_job(
            self._run_digest,
            trigger,
            args=[team.team],
            id=ident,
            name=ident,
            executor=_DIGEST_EXECUTOR,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(DIGEST_GRACE.total_seconds()),
        )
        if missed_slot(trigger, self._wall()) is not None:
            # A job of its own: queued behind busy workers it must not count as the cron job's
            # instance, or the next regular slot would be skipped while it waits.
            self._scheduler.add_job(
                self._run_digest,
                DateTrigger(datetime.now(UTC)),
                args=[team.team],
                id=job_id(CATCH_UP_JOB, team.team),
                name=job_id(CATCH_UP_JOB, team.team),
                executor=_DIGEST_EXECUTOR,
                replace_existing=True,
                misfire_grace_time=int(DIGEST_GRACE.total_seconds()),
            )

    def _skipped(self, event: JobSubmissionEvent) -> None:
        kind, _, team = str(event.job_id).partition(":")
        get_logger(team=team).info(f"service.{kind}_still_running")


def missed_slot(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The digest slot that came within the grace period before ``now``, if any: run at once,
    so that a restart or a deploy at 09:00:30 still posts the 09:00 digest. The slot is claimed
    in the state store before posting, so one already posted (before the restart, by another
    replica) is not posted again."""
    slot: datetime | None = trigger.get_next_fire_time(None, now - DIGEST_GRACE)
    return slot if slot is not None and slot <= now else None
