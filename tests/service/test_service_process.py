"""`syncd run` as a process: it syncs, answers probes, reloads on SIGHUP, stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from tests.service.service_support import start_service, wait_for, write_team


def test_run_syncs_serves_probes_and_stops_on_sigterm_within_10s(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_team(config, tmp_path / "docs", "payments")
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    service = start_service(config, env)
    try:
        wait_for(
            "the first sync",
            lambda: service.metric("syncd_last_successful_sync_timestamp_seconds", team="payments"),
        )
        assert service.get("/healthz") == (200, b"ok\n")
        assert service.ready() == {"problems": {}, "ready": True}
        assert service.metric("syncd_items", team="payments", status="open") == 2
        assert service.metric("syncd_items_flagged", team="payments", flag="vague") == 1
        assert service.metric("syncd_sync_duration_seconds_count", team="payments") == 1
        assert service.metric("syncd_teams_held") == 1
        assert service.get("/nowhere")[0] == 404

        # SIGHUP with a broken team file: reported, the old configuration keeps running.
        (config / "teams" / "payments.yaml").write_text("team: [unclosed\n", encoding="utf-8")
        service.signal(signal.SIGHUP)
        wait_for(
            "the failed reload",
            lambda: service.metric("syncd_config_reloads_total", outcome="failed"),
        )
        assert service.metric("syncd_config_last_reload_successful") == 0
        assert service.ready() is not None
        assert service.get("/healthz")[0] == 200

        started = time.monotonic()
        service.signal(signal.SIGTERM)
        code = service.process.wait(timeout=10)
        elapsed = time.monotonic() - started
    finally:
        service.stop()
    stderr = service.stderr
    assert code == 0 and elapsed < 10
    events = [json.loads(line)["event"] for line in stderr.decode().splitlines() if line]
    for event in ("service.started", "service.reload_failed", "service.stopping"):
        assert event in events
    assert "service.stopped" in events


def test_a_second_service_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_team(config, tmp_path / "docs", "payments")
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    first = start_service(config, env)
    try:
        wait_for("the first service to be ready", first.ready)
        second = start_service(config, env)
        code, err = second.finish(timeout=30)
        assert code == 2
        message = err.decode()
        assert "SQLite cannot coordinate" in message
        assert "SYNCD_DATABASE_URL=postgresql://" in message
        assert first.get("/healthz")[0] == 200  # the first one is untouched
    finally:
        first.stop()
