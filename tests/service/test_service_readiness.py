"""/readyz's judgement: configuration, store, scheduler and leases — never a tracker or a team."""

from __future__ import annotations

import threading
import time

import pytest

from syncd.cycle.team_cycle import TeamRun
from syncd.cycle.tracker_stage import TrackerStage
from syncd.execute.mirror_team import MirrorOutcome
from syncd.output.failure_streaks import TEAM_CYCLE, TRACKER, FailureKey
from syncd.reconcile.team_items import TeamItems
from syncd.service.bounded_check import BoundedCheck
from syncd.service.readiness import (
    HEARTBEAT_PERIOD,
    HEARTBEAT_STALE_AFTER_PERIODS,
    Readiness,
    SchedulerPulse,
    judge_readiness,
)
from syncd.service.sync_job import cycle_failures
from tests.service.service_support import wait_for

STALE = HEARTBEAT_PERIOD.total_seconds() * HEARTBEAT_STALE_AFTER_PERIODS
BEATING = SchedulerPulse(running=True, since_heartbeat=1.0)


def judge(
    *,
    config: str | None = None,
    store: str | None = None,
    scheduler: SchedulerPulse = BEATING,
    leases: bool = True,
) -> Readiness:
    return judge_readiness(
        config_error=config, store_error=store, scheduler=scheduler, leases_running=leases
    )


def test_everything_working_is_ready_and_every_check_is_shown() -> None:
    readiness = judge()
    assert readiness.ready
    assert readiness.checks == {"config": "ok", "store": "ok", "scheduler": "ok", "leases": "ok"}
    assert readiness.problems == {}


def test_an_unreachable_store_is_not_ready() -> None:
    readiness = judge(store="could not reach the state store at postgresql://db/syncd")
    assert not readiness.ready
    assert list(readiness.problems) == ["store"]
    assert "could not reach" in readiness.problems["store"]


@pytest.mark.parametrize(
    ("pulse", "ready"),
    [
        (SchedulerPulse(True, 0.0), True),
        (SchedulerPulse(True, STALE), True),  # a late heartbeat, within the allowance
        (SchedulerPulse(True, STALE + 0.5), False),  # stuck: no job was dispatched
        (SchedulerPulse(True, float("inf")), False),  # never beat at all
        (SchedulerPulse(False, 0.0), False),  # its thread is gone
    ],
)
def test_a_stopped_or_stuck_scheduler_is_not_ready(pulse: SchedulerPulse, ready: bool) -> None:
    readiness = judge(scheduler=pulse)
    assert readiness.ready is ready
    if not ready:
        assert list(readiness.problems) == ["scheduler"]


def test_a_stuck_scheduler_says_how_long_since_its_heartbeat() -> None:
    problem = judge(scheduler=SchedulerPulse(True, 95.2)).problems["scheduler"]
    assert problem == (
        "the scheduler is stuck: its heartbeat job last ran 95s ago (it runs every 5s)"
    )


def test_config_and_lease_problems_are_named_together() -> None:
    readiness = judge(config="1 configuration error(s)", leases=False)
    assert set(readiness.problems) == {"config", "leases"}


# --------------------------------------------------------------------- what a failed cycle is


def test_a_cycle_fails_when_the_team_errs_its_tracker_stops_or_a_source_fails() -> None:
    assert cycle_failures(TeamRun("payments", error="OperationalError: disk full")) == {
        TEAM_CYCLE: "OperationalError: disk full"
    }
    stopped = TeamRun(
        "payments",
        tracker=TrackerStage(MirrorOutcome(stopped="the tracker could not be reached: 503")),
    )
    assert cycle_failures(stopped) == {TRACKER: "tracker: the tracker could not be reached: 503"}
    # One item the tracker refused is reported with the item; the team is otherwise in step.
    one_item = TeamRun("payments", tracker=TrackerStage(MirrorOutcome(failed_items={"a1"})))
    assert cycle_failures(one_item) == {}
    # Not contacted in a dry run (no credentials) is a note, not a failure of the service.
    assert cycle_failures(TeamRun("payments", tracker=TrackerStage(None, "no token"))) == {}
    # Each source that could not be read is a failure of its own, beside the tracker's.
    reading = TeamItems("payments", (), {}, (), (), (), {"wiki": "403", "drive": "gone"})
    both = TeamRun("payments", reading=reading, tracker=stopped.tracker)
    assert cycle_failures(both) == {
        TRACKER: "tracker: the tracker could not be reached: 503",
        FailureKey("source", "drive"): "source drive: gone",
        FailureKey("source", "wiki"): "source wiki: 403",
    }


# --------------------------------------------------------------------------- bounded checks


def test_a_bounded_check_answers_with_the_checks_result() -> None:
    answers = iter([None, "refused"])
    check = BoundedCheck(lambda: next(answers), timeout=5, name="test-check")
    assert check() is None
    assert check() == "refused"


def test_a_hanging_check_answers_within_its_timeout_and_never_piles_up_threads() -> None:
    release = threading.Event()
    calls: list[int] = []

    def hang() -> str | None:
        calls.append(1)
        release.wait(timeout=30)
        return None

    check = BoundedCheck(hang, timeout=0.2, name="test-hang")
    try:
        started = time.monotonic()
        assert check() == "no answer within 0.2s"
        assert time.monotonic() - started < 2
        for _ in range(5):  # five more probes while the first attempt still hangs
            assert check() == "no answer within 0.2s"
        assert len(calls) == 1
    finally:
        release.set()
    # Once the attempt ends, the next call starts a fresh one.
    wait_for("a fresh attempt", lambda: check() is None and len(calls) == 2)


def test_a_check_that_raises_is_a_failed_check_not_a_broken_probe() -> None:
    def broken() -> str | None:
        raise RuntimeError("boom with a secret-0001 in it")

    result = BoundedCheck(broken, timeout=5, name="test-raise")()
    assert result == "the check failed: RuntimeError"
