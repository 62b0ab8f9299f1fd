"""/readyz says whether this replica can work; a tracker's outage and a failing team show in
/metrics instead. Services in this process, with short periods and a clock the test moves."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira
from tests.service.in_process import FAST_INTERVAL, ServiceUnderTest, service_in_process
from tests.service.service_support import (
    JIRA_TOKEN,
    free_port,
    jira_tracker,
    wait_for,
    write_team,
)
from tests.service.tcp_relay import TcpRelay


def failures(service: ServiceUnderTest, team: str) -> float:
    return service.metric("syncd_sync_consecutive_failures", team=team) or 0.0


# What may make a replica unready while trackers are down: the machine, not the trackers (a
# loaded test machine can delay the store's answer past the probe's 2 s, or a heartbeat).
_THE_MACHINE = {"store", "scheduler"}


class ReadyzWatch:
    """Asks /readyz on every poll of a wait, and keeps every answer."""

    def __init__(self, service: ServiceUnderTest) -> None:
        self.service = service
        self.statuses: list[int] = []
        self.problems: list[dict[str, object]] = []

    def __call__(self) -> None:
        status, body = self.service.readyz()
        self.statuses.append(status)
        if status != 200:
            problems = body.get("problems")
            self.problems.append(problems if isinstance(problems, dict) else {"?": body})

    def unready_for_other_reasons(self) -> list[dict[str, object]]:
        return [p for p in self.problems if not p or set(p) - _THE_MACHINE]


def test_trackers_down_leave_readyz_200_while_metrics_show_each_failing_team(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config"
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
    with FakeJira("cloud") as healthy, FakeJira("cloud") as unavailable:
        unavailable.faults.on("*", "*", Fault("503"), times=None)
        write_team(config, tmp_path / "docs" / "p", "payments", tracker=jira_tracker(healthy.url))
        write_team(config, tmp_path / "docs" / "s", "search", tracker=jira_tracker(unavailable.url))
        closed = f"http://127.0.0.1:{free_port()}"  # nothing listens: connection refused
        write_team(config, tmp_path / "docs" / "c", "checkout", tracker=jira_tracker(closed))

        with service_in_process(config, env) as service:
            watch = ReadyzWatch(service)

            def failing_for_a_while() -> bool:
                watch()
                return failures(service, "search") >= 2 and failures(service, "checkout") >= 2

            wait_for("two failed cycles of both teams", failing_for_a_while, timeout=90)
            assert 200 in watch.statuses
            assert watch.unready_for_other_reasons() == [], "a tracker outage made it unready"
            status, body = service.readyz()
            assert status == 200 and body["problems"] == {}

            for team in ("search", "checkout"):
                assert service.metric("syncd_sync_failures_total", team=team) >= 2  # type: ignore[operator]
                assert (
                    service.metric("syncd_last_successful_sync_timestamp_seconds", team=team)
                    is None
                )
                # The items were still read and recorded: the item gauges stay true.
                assert service.metric("syncd_items", team=team, status="open") == 2
            assert failures(service, "payments") == 0
            assert service.metric("syncd_last_successful_sync_timestamp_seconds", team="payments")
            assert service.metric("syncd_api_errors_total", tracker="jira", status="503")
            assert len(healthy.state.issues) == 2
            # The figures of the team in step, and the yardstick of the not-synced alert.
            assert service.metric("syncd_completion_ratio", team="payments") == 0.0
            assert service.metric("syncd_items_overdue_by_age", team="payments", age="1-7d") == 0
            assert service.metric("syncd_sync_interval_seconds") == FAST_INTERVAL.total_seconds()

            # Jira comes back: the team recovers on its next cycle, and says so in /metrics.
            unavailable.faults.clear()
            wait_for(
                "search to recover",
                lambda: service.metric(
                    "syncd_last_successful_sync_timestamp_seconds", team="search"
                ),
                timeout=60,
            )
            assert failures(service, "search") == 0
            assert failures(service, "checkout") >= 2
            assert len(unavailable.state.issues) == 2


def test_a_stuck_scheduler_turns_readyz_503_until_it_dispatches_again(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_team(config, tmp_path / "docs", "payments")
    ticks = FakeTicks()
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    with service_in_process(config, env, ticks=ticks) as service:
        wait_for("ready", lambda: service.readyz()[0] == 200)
        scheduler = service.service._scheduler._scheduler
        # Holding the lock the scheduler's thread needs to look for due jobs is what a
        # deadlock in it looks like from outside: nothing is dispatched any more.
        with scheduler._jobstores_lock:
            # A beat dispatched just before the lock was taken may still land (on a loaded
            # machine, after the clock moved); none can come after it, so move on again.
            def stuck() -> bool:
                ticks.value += 3600
                return service.readyz()[0] == 503

            wait_for("readyz to see the scheduler stuck", stuck)
            status, body = service.readyz()
            assert status == 503
            assert list(body["problems"]) == ["scheduler"]  # type: ignore[call-overload]
            assert "stuck" in body["problems"]["scheduler"]  # type: ignore[index]
            assert service.metric("syncd_teams_held") == 1  # /metrics still answers
        wait_for("ready again", lambda: service.readyz()[0] == 200)
        live = service.service
    # A stopped service is not ready either: its scheduler and lease thread are gone.
    assert set(live.readiness().problems) >= {"scheduler", "leases"}


class FakeTicks:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.mark.postgres
def test_readyz_turns_503_when_the_store_is_unreachable_or_hangs(
    tmp_path: Path, postgres_url: str
) -> None:
    config = tmp_path / "config"
    write_team(config, tmp_path / "docs", "payments")
    server = make_url(postgres_url)
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    with TcpRelay(server.host or "127.0.0.1", server.port or 5432) as relay:
        url = server.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        with service_in_process(
            config, env, database_url=url, store_check_timeout=timedelta(seconds=0.5)
        ) as service:
            wait_for("ready", lambda: service.readyz()[0] == 200)

            relay.cut()  # a network partition: refused
            status, body = service.readyz()
            assert status == 503, body
            assert list(body["problems"]) == ["store"]  # type: ignore[call-overload]
            assert "does not answer" in body["problems"]["store"]  # type: ignore[index]
            assert "127.0.0.1" in str(body["problems"])
            relay.restore()
            wait_for("ready after the store is back", lambda: service.readyz()[0] == 200)

            relay.freeze()  # a database that accepts and never answers
            started = time.monotonic()
            status, body = service.readyz()
            took = time.monotonic() - started
            assert status == 503, body
            assert body["problems"] == {  # type: ignore[comparison-overlap]
                "store": "the state store does not answer: no answer within 0.5s"
            }
            assert took < 2.5, "a hanging store must not hang the probe"
            relay.restore()
            wait_for("ready after the hang", lambda: service.readyz()[0] == 200)


def _seconds(value: float) -> timedelta:
    from datetime import timedelta

    return timedelta(seconds=value)
