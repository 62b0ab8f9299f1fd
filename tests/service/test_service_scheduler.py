"""The scheduler fires every team, isolates failures, and never overlaps a team with itself."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from syncd.cron import cron_trigger
from syncd.service.scheduler import DIGEST_GRACE, TeamSchedule, TeamScheduler, missed_slot
from tests.service.service_support import wait_for

FAST = timedelta(milliseconds=200)


def schedules(*names: str) -> list[TeamSchedule]:
    return [TeamSchedule(name, None, "UTC") for name in names]


def test_each_team_is_synced_repeatedly_and_a_failing_team_stops_no_other() -> None:
    runs: Counter[str] = Counter()
    lock = threading.Lock()

    def run_sync(team: str) -> None:
        with lock:
            runs[team] += 1
        if team == "broken":
            raise RuntimeError("this team always fails")

    scheduler = TeamScheduler(
        interval=FAST, jitter=timedelta(0), run_sync=run_sync, run_digest=lambda _t: None
    )
    scheduler.set_teams(schedules("payments", "search", "broken"))
    scheduler.start()
    try:
        wait_for(
            "three runs of every team",
            lambda: min(runs.values(), default=0) >= 3 and len(runs) == 3,
        )
    finally:
        scheduler.shutdown()
    assert set(runs) == {"payments", "search", "broken"}


def test_a_team_never_overlaps_with_itself() -> None:
    active: Counter[str] = Counter()
    most: Counter[str] = Counter()
    starts: Counter[str] = Counter()
    lock = threading.Lock()
    release = threading.Event()

    def run_sync(team: str) -> None:
        with lock:
            active[team] += 1
            starts[team] += 1
            most[team] = max(most[team], active[team])
        release.wait(timeout=5)  # held across several intervals
        with lock:
            active[team] -= 1

    scheduler = TeamScheduler(
        interval=timedelta(milliseconds=50),
        jitter=timedelta(0),
        run_sync=run_sync,
        run_digest=lambda _t: None,
    )
    scheduler.set_teams(schedules("payments", "search"))
    scheduler.start()
    try:
        wait_for("both teams running", lambda: len(starts) == 2)
        # Ten more intervals pass while both runs hang: none may start a second instance.
        done = threading.Event()
        threading.Timer(0.5, done.set).start()
        wait_for("ten intervals", done.is_set)
        assert starts == Counter({"payments": 1, "search": 1})
    finally:
        release.set()
        scheduler.shutdown()
    assert max(most.values()) == 1


def test_a_team_added_later_is_scheduled_and_a_removed_one_stops() -> None:
    runs: Counter[str] = Counter()
    scheduler = TeamScheduler(
        interval=FAST,
        jitter=timedelta(0),
        run_sync=lambda t: runs.update([t]),
        run_digest=lambda _t: None,
    )
    scheduler.set_teams(schedules("payments"))
    scheduler.start()
    try:
        wait_for("payments synced", lambda: runs["payments"])
        scheduler.set_teams(schedules("search"))
        wait_for("search synced", lambda: runs["search"])
        assert scheduler.next_sync("payments") is None
        assert scheduler.next_sync("search") is not None
    finally:
        scheduler.shutdown()


def test_digests_follow_the_team_cron_in_its_time_zone() -> None:
    scheduler = TeamScheduler(
        interval=timedelta(minutes=10),
        run_sync=lambda _t: None,
        run_digest=lambda _t: None,
        wall=lambda: BERLIN_05_00,  # hours from 09:30: no slot to catch up
    )
    scheduler.set_teams([TeamSchedule("payments", "30 9 * * *", "Europe/Berlin")])
    scheduler.start()
    try:
        job = scheduler._scheduler.get_job("digest:payments")
        assert job is not None
        fire = job.next_run_time
        assert fire.tzinfo is not None and str(fire.tzinfo) == "Europe/Berlin"
        assert (fire.hour, fire.minute) == (9, 30)
    finally:
        scheduler.shutdown()


BERLIN_05_00 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def test_a_slot_missed_within_the_grace_period_is_caught_up_and_an_older_one_is_not() -> None:
    trigger = cron_trigger("30 9 * * 1", ZoneInfo("Europe/Berlin"))  # Mondays 09:30
    monday_0930 = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    assert missed_slot(trigger, monday_0930 + timedelta(minutes=20)) == monday_0930
    assert missed_slot(trigger, monday_0930) == monday_0930  # the slot itself
    assert missed_slot(trigger, monday_0930 + DIGEST_GRACE + timedelta(seconds=1)) is None
    assert missed_slot(trigger, monday_0930 - timedelta(seconds=1)) is None  # not yet come


def test_a_service_started_just_after_a_slot_posts_that_digest_at_once() -> None:
    """A restart or a deploy a minute after the slot does not lose the week's digest: the
    digest runs at once (the state store's claim keeps it from being posted twice)."""
    posted: list[str] = []
    slot = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    scheduler = TeamScheduler(
        interval=timedelta(hours=1),
        run_sync=lambda _t: None,
        run_digest=posted.append,
        wall=lambda: slot + timedelta(minutes=1),
    )
    scheduler.set_teams([TeamSchedule("payments", "30 9 * * 1", "Europe/Berlin")])
    scheduler.start()
    try:
        wait_for("the missed slot's digest", lambda: posted == ["payments"])
        # The regular job was not used for it: a catch-up waiting for a worker must not make
        # the scheduler skip the next regular slot as still running.
        job = scheduler._scheduler.get_job("digest:payments")
        assert job is not None and job.next_run_time.weekday() == 0  # Mondays
        assert (job.next_run_time.hour, job.next_run_time.minute) == (9, 30)
        assert scheduler._scheduler.get_job("digest_catch_up:payments") is None  # ran once
    finally:
        scheduler.shutdown()


def test_a_digest_is_posted_while_every_sync_worker_is_busy() -> None:
    """A replica taking over a dead one's teams has every worker syncing: a digest queued
    behind them would still count as running when the next slot came, and that slot would be
    skipped. Digests have threads of their own."""
    posted: list[str] = []
    release = threading.Event()
    syncing: list[str] = []

    def slow_sync(team: str) -> None:
        syncing.append(team)
        release.wait(timeout=60)  # released at the end of the test

    slot = datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    scheduler = TeamScheduler(
        interval=FAST,
        jitter=timedelta(0),
        run_sync=slow_sync,
        run_digest=posted.append,
        workers=1,
        wall=lambda: slot + timedelta(minutes=1),
    )
    scheduler.set_teams([TeamSchedule("payments", "30 9 * * 1", "Europe/Berlin")])
    scheduler.start()
    try:
        wait_for("the only sync worker to be taken", lambda: syncing == ["payments"])
        # The sync holds its worker for a minute: only a thread of its own posts the digest.
        wait_for("the missed slot's digest despite it", lambda: posted == ["payments"], timeout=8)
        # Shut down only once the scheduler has dropped the one-off job: APScheduler's loop
        # removing it would otherwise race the shutdown's clearing of its job store.
        wait_for(
            "the catch-up job dropped",
            lambda: scheduler._scheduler.get_job("digest_catch_up:payments") is None,
        )
    finally:
        release.set()
        scheduler.shutdown()


# ------------------------------------------------------------------------------- heartbeat


class FakeTicks:
    """A monotonic clock that moves only when told: staleness without waiting for it."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def test_the_heartbeat_runs_while_every_worker_is_busy_with_a_slow_team() -> None:
    """A slow tracker may hold every worker for minutes: no reason to call the replica stuck."""
    ticks = FakeTicks()
    release = threading.Event()
    started: Counter[str] = Counter()

    def slow_sync(team: str) -> None:
        started[team] += 1
        release.wait(timeout=10)

    scheduler = TeamScheduler(
        interval=FAST,
        jitter=timedelta(0),
        run_sync=slow_sync,
        run_digest=lambda _t: None,
        workers=1,
        heartbeat_period=timedelta(milliseconds=50),
        ticks=ticks,
    )
    scheduler.set_teams(schedules("payments", "search"))
    scheduler.start()
    try:
        wait_for("the only worker to be taken", lambda: sum(started.values()) == 1)
        ticks.value += 3600  # an hour later, by the scheduler's clock
        assert scheduler.pulse().since_heartbeat >= 3600
        wait_for(
            "a heartbeat despite the busy worker", lambda: scheduler.pulse().since_heartbeat == 0
        )
        assert scheduler.pulse().running
        assert sum(started.values()) == 1  # the other team still waits for the worker
    finally:
        release.set()
        scheduler.shutdown()


def test_a_stuck_scheduler_thread_stops_the_heartbeat_and_a_shutdown_stops_it_running() -> None:
    ticks = FakeTicks()
    scheduler = TeamScheduler(
        interval=timedelta(minutes=10),
        run_sync=lambda _t: None,
        run_digest=lambda _t: None,
        heartbeat_period=timedelta(milliseconds=50),
        ticks=ticks,
    )
    assert not scheduler.pulse().running  # not started yet
    scheduler.start()
    try:
        ticks.value += 1
        wait_for("the first heartbeat", lambda: scheduler.pulse().since_heartbeat == 0)
        # The scheduler's thread takes this lock to look for due jobs: holding it is what a
        # deadlock in the scheduler (or a listener blocked on a full pipe) looks like.
        with scheduler._scheduler._jobstores_lock:
            # A beat dispatched just before the lock was taken may still be queued on the
            # heartbeat's one-thread pool: a no-op submitted behind it returns once it has run.
            scheduler._scheduler._lookup_executor("heartbeat")._pool.submit(lambda: None).result(10)
            ticks.value += 120
            assert scheduler.pulse().since_heartbeat >= 120
            done = threading.Event()
            threading.Timer(0.3, done.set).start()  # six heartbeat periods
            wait_for("six heartbeat periods", done.is_set)
            assert scheduler.pulse().since_heartbeat >= 120  # no beat got through
        wait_for("the heartbeat after the lock", lambda: scheduler.pulse().since_heartbeat == 0)
    finally:
        scheduler.shutdown()
    assert not scheduler.pulse().running


def test_a_deferred_team_runs_when_its_budget_opens_without_a_thread_waiting() -> None:
    """A team whose tracker budget is spent is scheduled for when it opens; until then no
    worker is busy with it, and a later regular run is never pulled forward past it."""
    ran: list[tuple[str, datetime]] = []
    lock = threading.Lock()

    def run_sync(team: str) -> None:
        with lock:
            ran.append((team, datetime.now(UTC)))

    scheduler = TeamScheduler(
        interval=timedelta(hours=1),
        jitter=timedelta(0),
        run_sync=run_sync,
        run_digest=lambda _t: None,
        workers=1,
    )
    scheduler.set_teams(schedules("payments"))
    scheduler.start()
    try:
        wait_for("the first run", lambda: len(ran) == 1)
        regular = scheduler.next_sync("payments")
        assert regular is not None and regular > datetime.now(UTC) + timedelta(minutes=50)
        assert not scheduler.sync_at("payments", regular + timedelta(minutes=5))  # later: kept
        opens = datetime.now(UTC) + timedelta(milliseconds=300)
        assert scheduler.sync_at("payments", opens)
        assert scheduler.next_sync("payments") == opens
        wait_for("the run when the budget opens", lambda: len(ran) == 2)
        assert ran[1][1] >= opens
    finally:
        scheduler.shutdown()
    assert not scheduler.sync_at("nobody", datetime.now(UTC))
