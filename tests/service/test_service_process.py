"""`syncd run` as a process: it syncs, answers probes, reloads on SIGHUP, stops on SIGTERM."""

from __future__ import annotations

import ctypes
import json
import os
import signal
import time
from pathlib import Path

import pytest

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


def _signal_a_worker_thread(pid: int, number: signal.Signals) -> int:
    """Send ``number`` to one thread of ``pid`` other than its main thread (tgkill), as the
    kernel may do with a process-directed signal; return that thread's id."""
    tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task") if int(t) != pid)
    assert tids, "the service runs no thread besides its main one"
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.tgkill(pid, tids[-1], int(number)) != 0:
        raise OSError(ctypes.get_errno(), "tgkill failed")
    return tids[-1]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_signals_that_land_on_a_worker_thread_are_still_handled(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_team(config, tmp_path / "docs", "payments")
    service = start_service(config, {"SYNCD_STATE_DIR": str(tmp_path / "state")})
    try:
        wait_for("the service to be ready", service.ready)
        (config / "teams" / "payments.yaml").write_text("team: [unclosed\n", encoding="utf-8")
        _signal_a_worker_thread(service.process.pid, signal.SIGHUP)
        wait_for(
            "the reload asked for by a SIGHUP on a worker thread",
            lambda: service.metric("syncd_config_reloads_total", outcome="failed"),
        )
        _signal_a_worker_thread(service.process.pid, signal.SIGTERM)
        code = service.process.wait(timeout=10)
    finally:
        service.stop()
    assert code == 0
