"""``syncd run`` logs the first failure of a run of failures and the recovery, not every tick;
the CLI (no reporter) logs every failure; ``/metrics`` counts every one either way."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from syncd.output.failure_streaks import TRACKER, FailureKey
from syncd.output.logs import failures_reported_by, get_logger, log_failure
from syncd.service.failure_log import ServiceFailures
from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira
from tests.notify.notify_support import captured_logs
from tests.service.in_process import service_in_process
from tests.service.service_support import JIRA_TOKEN, jira_tracker, wait_for, write_team


def events(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def cycle(failures: ServiceFailures, *errors: str) -> None:
    """One cycle of team payments whose tracker fails with each of ``errors`` (none: works)."""
    work = failures.work("payments")
    log = get_logger(team="payments")
    with failures_reported_by(work):
        for error in errors:
            log_failure(log, TRACKER, "mirror.tracker_unreachable", error=error, status=503)
    work.settle(log, ("sync", "tracker", "source"))


def test_without_a_reporter_every_failure_is_logged_at_error_level() -> None:
    with captured_logs() as out:
        log = get_logger(team="payments")
        for _ in range(3):
            log_failure(log, TRACKER, "mirror.tracker_unreachable", error="503", status=503)
    assert [(e["event"], e["level"], e["error"]) for e in events(out)] == [
        ("mirror.tracker_unreachable", "error", "503")
    ] * 3


def test_the_service_logs_the_first_failure_a_changed_error_and_the_recovery() -> None:
    failures = ServiceFailures()
    with captured_logs() as out:
        cycle(failures, "503")
        cycle(failures, "503")
        cycle(failures, "503", "503")  # two layers meeting one failure: counted once
        cycle(failures, "401")
        cycle(failures)
        cycle(failures)
    seen = [
        (e["event"], e["level"], e.get("error"), e.get("failures_in_a_row"), e.get("failed_cycles"))
        for e in events(out)
    ]
    assert seen == [
        ("mirror.tracker_unreachable", "error", "503", 1, None),
        ("mirror.tracker_unreachable", "debug", "503", 2, None),
        ("mirror.tracker_unreachable", "debug", "503", 3, None),
        ("mirror.tracker_unreachable", "debug", "503", None, None),
        ("mirror.tracker_unreachable", "error", "401", 4, None),
        ("tracker.recovered", "info", None, None, 4),
    ]


def test_a_source_recovers_by_name_and_a_crash_recovers_nothing_else() -> None:
    failures = ServiceFailures()
    wiki = FailureKey("source", "wiki")
    with captured_logs() as out:
        log = get_logger(team="payments")
        work = failures.work("payments")
        with failures_reported_by(work):
            log_failure(log, wiki, "source.failed", error="403")
        work.settle(log, ("sync", "tracker", "source"))
        # A cycle that stopped early read no source: the wiki is not known to work again.
        failures.work("payments").settle(log, ())
        assert failures.failing("payments") == {wiki: 1}
        failures.work("payments").settle(log, ("sync", "tracker", "source"))
    recovered = [e for e in events(out) if e["level"] == "info"]
    assert recovered == [
        {
            "event": "source.recovered",
            "level": "info",
            "team": "payments",
            "source": "wiki",
            "failed_cycles": 1,
            "timestamp": recovered[0]["timestamp"],
        }
    ]


def test_a_tracker_down_for_three_cycles_is_logged_once_then_its_recovery(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config"
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
    with FakeJira("cloud") as jira, captured_logs() as out:
        jira.faults.on("*", "*", Fault("503"), times=None)
        write_team(config, tmp_path / "docs", "payments", tracker=jira_tracker(jira.url))
        with service_in_process(config, env) as service:

            def failures_total() -> float:
                return service.metric("syncd_sync_failures_total", team="payments") or 0.0

            wait_for("three failed cycles", lambda: failures_total() >= 3, timeout=90)
            jira.faults.clear()
            wait_for(
                "the team to recover",
                lambda: service.metric(
                    "syncd_last_successful_sync_timestamp_seconds", team="payments"
                ),
                timeout=60,
            )
            failed = failures_total()  # a cycle in flight at the clear may have failed too
            assert len(jira.state.issues) == 2

    logged = [e for e in events(out) if e.get("team") == "payments"]
    errors = [e for e in logged if e["level"] == "error"]
    assert [e["event"] for e in errors] == ["recovery.tracker_unread"], errors
    assert "503" in errors[0]["error"] and errors[0]["failures_in_a_row"] == 1
    repeats = [e for e in logged if e["event"] == "recovery.tracker_unread"][1:]
    assert [e["level"] for e in repeats] == ["debug"] * (int(failed) - 1)
    assert [e["failures_in_a_row"] for e in repeats] == list(range(2, int(failed) + 1))
    assert not [e for e in logged if e["level"] == "warning" and "sync" in e["event"]]
    recovered = [e for e in logged if e["event"].endswith("recovered")]
    assert [(e["event"], e["level"], e["failed_cycles"]) for e in recovered] == [
        ("tracker.recovered", "info", failed)
    ]
