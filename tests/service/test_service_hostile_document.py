"""`syncd run` fed a document that takes long to read, or a tracker slow to answer: probes
answer within a second, the document's budget ends its reading, and SIGTERM ends the process
(and its reading process) within 10 seconds.

No document under the shape limits takes long to read any more (a megabyte at the limits takes
well under a second), so the reading process given the long document stops itself on it
(``SYNCD_TEST_FREEZE_AT=document_read:NAME``, ``syncd/test_hooks.py``): to the service it is a
reader that never answers, as a parser stuck in a pathological input would be. Figures are
never asserted, except the promises themselves (1 s, 10 s).
"""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from pathlib import Path

from syncd.test_hooks import FREEZE_ENV
from tests.fakes.jira.server import FakeJira
from tests.service.proof_support import base_env, log_events, run_cli
from tests.service.service_support import (
    DOC,
    JIRA_TOKEN,
    jira_tracker,
    start_service,
    wait_for,
    write_team,
)

HOSTILE = "2026-09-15-hostile.md"
ROW = "| Fix the thing that broke | @bob | 2026-01-01 |\n"
NEVER_FINISHES = {FREEZE_ENV: f"document_read:{HOSTILE}"}


def _write_config(root: Path, *, max_document_seconds: float) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "2026-09-14-checkout.md").write_text(DOC, encoding="utf-8")
    rows = ROW * 200
    (docs / HOSTILE).write_text(
        "# Hostile\n\n## Action items\n\n| Action | Owner | Due |\n|---|---|---|\n" + rows,
        encoding="utf-8",
    )
    config = root / "config"
    (config / "teams").mkdir(parents=True)
    (config / "teams" / "payments.yaml").write_text(
        "team: payments\ntimezone: Europe/Berlin\n"
        f"sources: [{{name: pm, type: markdown, path: {docs}, "
        f"max_document_seconds: {max_document_seconds}}}]\n"
        "tracker: {type: jira, url: https://jira.invalid, project: PAY,\n"
        '  auth: {email: bot@example.com, token: "${UNSET_JIRA_TOKEN:-}"}}\n',
        encoding="utf-8",
    )
    return config


def _reading_processes(parent: int) -> list[int]:
    """The syncd.workers.main children of ``parent`` that are alive (not zombies)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                state, ppid = f.read().rsplit(") ", 1)[1].split()[:2]
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read()
        except OSError:  # it ended while we looked
            continue
        if int(ppid) == parent and state != "Z" and b"syncd.workers.main" in command:
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _healthz_within_one_second(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
            return bool(answer.status == 200 and answer.read() == b"ok\n")
    except OSError:
        return False


def test_probes_answer_and_sigterm_ends_run_and_its_reader_within_10s(tmp_path: Path) -> None:
    config = _write_config(tmp_path, max_document_seconds=3600)
    env = {**base_env(tmp_path / "state"), **NEVER_FINISHES}
    service = start_service(config, env)
    try:
        wait_for("the service to answer", lambda: service.get("/healthz")[0] == 200)
        workers = wait_for(
            "a reading process", lambda: _reading_processes(service.process.pid), timeout=120
        )
        # Twenty probes while the document is being read, each answered within a second.
        answered = [_healthz_within_one_second(service.port) for _ in range(20)]
        still_reading = [pid for pid in workers if _alive(pid)]
        assert service.metric("syncd_sync_duration_seconds_count", team="payments") is None
        started = time.monotonic()
        service.signal(signal.SIGTERM)
        code = service.process.wait(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        service.stop()
    assert answered == [True] * 20
    assert still_reading, "the reading process ended before the probes did"
    assert code == 0
    assert elapsed < 10
    assert not any(_alive(pid) for pid in workers)
    events = [e["event"] for e in log_events(service.stderr.decode())]
    assert "service.stopped" in events
    # The store is whole: `status` reads it (the cycle was cut before it recorded anything).
    status = run_cli(config, env, "status", "--json")
    assert status.code == 0, status.stderr
    assert json.loads(status.stdout)["teams"]["payments"]["items"] == []


def test_a_document_past_its_budget_is_skipped_and_the_others_are_recorded(tmp_path: Path) -> None:
    config = _write_config(tmp_path, max_document_seconds=2)
    env = {**base_env(tmp_path / "state"), **NEVER_FINISHES}
    service = start_service(config, env)
    try:
        # The item gauges are set once the cycle has recorded its items.
        open_items = wait_for(
            "the first cycle's items",
            lambda: service.metric("syncd_items", team="payments", status="open"),
            timeout=120,
        )
        assert _healthz_within_one_second(service.port)
        service.signal(signal.SIGTERM)
        code = service.process.wait(timeout=30)
    finally:
        service.stop()
    assert code == 0
    assert open_items == 2  # the checkout postmortem's two items
    skipped = [
        e for e in log_events(service.stderr.decode()) if e["event"] == "source.document_skipped"
    ]
    assert [e["document"] for e in skipped] == [HOSTILE]
    assert "took longer than 2 s" in str(skipped[0]["error"])


def test_probes_answer_and_sigterm_stops_run_while_the_tracker_is_slow(tmp_path: Path) -> None:
    # Every answer of this Jira takes 3 s: the cycle spends its time waiting on the tracker.
    with FakeJira("cloud", latency=3.0) as jira:
        config = tmp_path / "config"
        write_team(config, tmp_path / "docs", "payments", tracker=jira_tracker(jira.url))
        env = {**base_env(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
        service = start_service(config, env)
        try:
            wait_for("a request to the tracker", lambda: jira.requests, timeout=120)
            answered = [_healthz_within_one_second(service.port) for _ in range(20)]
            assert service.metric("syncd_sync_duration_seconds_count", team="payments") is None
            started = time.monotonic()
            service.signal(signal.SIGTERM)
            code = service.process.wait(timeout=30)
            elapsed = time.monotonic() - started
        finally:
            service.stop()
    assert answered == [True] * 20
    assert code == 0
    assert elapsed < 10
