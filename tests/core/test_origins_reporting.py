"""Origins are recorded on a pool's threads: their HTTP failures still reach the cycle's
failure reporter, so under ``syncd run`` a tracker that keeps failing is news once."""

from __future__ import annotations

import threading
from typing import Any

from syncd.execute.origins import record_origins
from syncd.mirror.model import IssueOrigin
from syncd.output.failure_streaks import FailureKey
from syncd.output.logs import failures_reported_by, get_logger, log_failure


class CountingReporter:
    def __init__(self) -> None:
        self.reports: list[tuple[str, str]] = []
        self.threads: set[str] = set()

    def report(self, log: Any, key: FailureKey, event: str, error: str, **_: Any) -> None:
        self.reports.append((event, error))

    def recover(self, log: Any, key: FailureKey, **fields: Any) -> None:
        return None


class FailingOriginTracker:
    """Gives up on every origin write the way the HTTP policy does: through ``log_failure``."""

    system = "jira"

    def __init__(self) -> None:
        self.threads: set[str] = set()

    def record_origin(self, key: str, origin: IssueOrigin) -> None:
        self.threads.add(threading.current_thread().name)
        log_failure(
            get_logger(), FailureKey("http", key), "http.giving_up", error="503", level="warning"
        )


def _origin(n: int) -> tuple[str, IssueOrigin]:
    return f"OPS-{n}", IssueOrigin(f"item{n}", "docs", "pm.md", f"Fix {n}", "Outage", None)


def test_failures_on_the_pool_threads_reach_the_cycles_reporter() -> None:
    reporter = CountingReporter()
    tracker = FailingOriginTracker()
    with failures_reported_by(reporter):
        record_origins([_origin(n) for n in range(6)], tracker, "payments")  # type: ignore[arg-type]
    assert threading.current_thread().name not in tracker.threads  # the pool's threads wrote
    assert reporter.reports == [("http.giving_up", "503")] * 6


def test_without_a_reporter_the_pool_threads_log_as_the_cli_does() -> None:
    tracker = FailingOriginTracker()
    record_origins([_origin(n) for n in range(3)], tracker, "payments")  # type: ignore[arg-type]
    assert len(tracker.threads) >= 1
