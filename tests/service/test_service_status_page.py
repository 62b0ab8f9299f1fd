"""``syncd run`` serves the status page and keeps each team's daily snapshot once: wired as
``run_service`` wires it, in this process, on loopback."""

from __future__ import annotations

import urllib.request
from datetime import date, timedelta
from pathlib import Path

from syncd.store import StateStore
from tests.service.in_process import service_in_process
from tests.service.service_support import http_get, wait_for, write_team

TOKEN = "service-status-token-42"


def test_the_service_serves_the_page_and_keeps_one_snapshot_a_day(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_team(config, tmp_path / "docs", "checkout")
    env = {"HOME": str(tmp_path), "SYNCD_STATE_DIR": str(tmp_path / "state")}
    env["SYNCD_STATUS_TOKEN"] = TOKEN
    with service_in_process(config, env) as service:
        store: StateStore = service.service._work_store
        since = date.today() - timedelta(days=2)

        def snapshots() -> list[object]:
            return list(store.snapshots("checkout", since=since))

        [snapshot] = wait_for("the day's snapshot", snapshots)
        assert snapshot.open == 2  # type: ignore[attr-defined]
        status, body = http_get(service.port, "/status/checkout")
        assert status == 401 and b"Alert on checkout" not in body
        request = urllib.request.Request(
            f"http://127.0.0.1:{service.port}/status/checkout",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            page = answer.read().decode()
        assert "Alert on checkout 5xx rate above 2% for 5 minutes" in page
        assert 'circle class="point"' in page  # today's snapshot is drawn
        # Another cycle the same day keeps no second snapshot.
        runs = store.last_run("checkout")
        wait_for("another cycle", lambda: store.last_run("checkout") != runs)
        assert len(snapshots()) == 1
