"""Benchmark: ``syncd run`` with many teams. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.service [--teams 50] [--items 100]

One fake Jira Cloud (from the test suite) answers every request after ``--latency`` seconds; each
team mirrors its own postmortem folder into a project of its own. A real ``syncd run`` process
(SQLite state store in a temporary directory, the default 10 min interval) is measured through:

1. the first cycle: wall time until every team has synced once (read from ``/metrics``), the
   requests the fake saw, the child's CPU time and peak RSS;
2. idle: CPU time over ``--idle`` seconds between cycles (nothing due, nobody scraping), RSS;
3. SIGTERM: the time until the process has exited.

With ``--restart`` a second process starts on the same store, so that every team's first cycle
is the one after the initial mirror (a restart schedules every team at once), and is measured too.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import IO

from bench.proc_stats import proc_stats
from syncd.service.scheduler import DEFAULT_WORKERS
from tests.e2e.workspaces import TOKEN, write_postmortems
from tests.fakes.jira.server import FakeJira
from tests.service.service_support import free_port

INTERVAL_S = 600  # the default sync_interval
DOCUMENTS_PER_TEAM = 20
LAST_SUCCESS = "syncd_last_successful_sync_timestamp_seconds"
SYNC_SECONDS = "syncd_sync_duration_seconds_sum"
FAILURES = "syncd_sync_failures_total"


def _project_key(index: int) -> str:
    # Jira project keys are capitals: TAA, TAB, ... (digits would do too, but read worse).
    return "T" + chr(65 + index // 26) + chr(65 + index % 26)


def _write_teams(root: Path, fake: FakeJira, teams: int, items: int) -> int:
    alice = fake.state.add_user("alice@example.com", "Alice Smith")
    fake.state.add_user("bob@example.com", "Bob Jones")
    fake.state.add_user("carol@example.com", "Carol Diaz")
    per_document = max(1, items // DOCUMENTS_PER_TEAM)
    folder = root / "config" / "teams"
    folder.mkdir(parents=True)
    total = 0
    for index in range(teams):
        name, key = f"team-{index:02d}", _project_key(index)
        fake.state.add_project(key, f"Team {index}")
        total += write_postmortems(root / "docs" / name, DOCUMENTS_PER_TEAM, per_document)
        (folder / f"{name}.yaml").write_text(
            textwrap.dedent(f"""\
                team: {name}
                timezone: Europe/Berlin
                sources:
                  - name: pm
                    type: markdown
                    path: ../../docs/{name}
                    url_template: "https://git.example.com/postmortems/{{path}}"
                tracker:
                  type: jira
                  url: {fake.url}
                  deployment: cloud
                  auth: {{email: syncd-bot@example.com, token: "${{JIRA_TOKEN}}"}}
                  project: {key}
                  labels: [postmortem-action]
                people:
                  alice: {{aliases: ["Alice Smith"], jira: "{alice.account_id}"}}
                  bob: {{aliases: ["Bob Jones"], email: bob@example.com}}
                  carol: {{email: carol@example.com}}
                """),
            encoding="utf-8",
        )
    return total


def _scrape(port: int) -> dict[str, dict[str, float]]:
    """``/metrics`` as {metric name: {team: value}} for the per-team series; {} when down."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
            text = reply.read().decode()
    except OSError:
        return {}
    found: dict[str, dict[str, float]] = {}
    for line in text.splitlines():
        if line.startswith("#") or 'team="' not in line:
            continue
        series, _, value = line.rpartition(" ")
        name, _, labels = series.partition("{")
        team = labels.split('team="', 1)[1].split('"', 1)[0]
        found.setdefault(name, {})[team] = float(value)
    return found


def _mb(kib: int) -> str:
    return f"{kib / 1024:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--items", type=int, default=100, help="action items per team")
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idle sampling")
    parser.add_argument(
        "--restart",
        action="store_true",
        help="then start the service again on the same store: a cycle with nothing to create",
    )
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}); "
        f"Python {sys.version.split()[0]}; the fake Jira runs in this process, "
        "sharing the CPUs with the service"
    )
    with (
        tempfile.TemporaryDirectory(prefix="syncd-bench-service-") as tmp,
        FakeJira("cloud", latency=args.latency) as fake,
    ):
        root = Path(tmp)
        items = _write_teams(root, fake, args.teams, args.items)
        port = free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(root / "state"),
            "SYNCD_LOG_FORMAT": "json",
            "SYNCD_HTTP_PORT": str(port),
            "SYNCD_HTTP_HOST": "127.0.0.1",
            "SYNCD_SYNC_INTERVAL": "10m",
            "JIRA_TOKEN": TOKEN,
        }
        print(
            f"{args.teams} teams, {items} items ({items // args.teams} per team in "
            f"{DOCUMENTS_PER_TEAM} postmortems), fake Jira Cloud latency "
            f"{args.latency * 1000:.0f} ms per request, SQLite state store, interval 10m"
        )
        log_path = root / "service.log"
        with log_path.open("wb") as log:
            _phase(root, env, log, fake, args, items, first=True)
            if args.restart:
                fake.clear_requests()
                print("\n--- restart on the same state store: the cycle after the initial mirror")
                _phase(root, env, log, fake, args, items, first=False)
        lines = log_path.read_bytes().count(b"\n")
        print(f"\nlog: {lines} lines, {log_path.stat().st_size / 1024:.0f} KiB")


def _phase(
    root: Path,
    env: dict[str, str],
    log: IO[bytes],
    fake: FakeJira,
    args: argparse.Namespace,
    items: int,
    *,
    first: bool,
) -> None:
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "syncd", "run", "--config", str(root / "config")],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        _measure(child, int(env["SYNCD_HTTP_PORT"]), started, args, fake, items, idle=first)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def _measure(
    child: subprocess.Popen[bytes],
    port: int,
    started: float,
    args: argparse.Namespace,
    fake: FakeJira,
    items: int,
    *,
    idle: bool,
) -> None:
    # 1. The first cycle: poll /metrics until every team has a last-success time.
    metrics: dict[str, dict[str, float]] = {}
    first_up: float | None = None
    deadline = started + INTERVAL_S + 120
    while time.monotonic() < deadline and child.poll() is None:
        metrics = _scrape(port)
        if metrics and first_up is None:
            first_up = time.monotonic() - started
        if len(set(metrics.get(LAST_SUCCESS, {})) | set(metrics.get(FAILURES, {}))) >= args.teams:
            break
        time.sleep(0.5)  # a polling step of the benchmark
    cycle = time.monotonic() - started
    after_cycle = proc_stats(child.pid)
    synced = metrics.get(LAST_SUCCESS, {})
    failed = {team for team, n in metrics.get(FAILURES, {}).items() if n > 0}
    durations = sorted(metrics.get(SYNC_SECONDS, {}).values())
    counts: Counter[str] = Counter(r.endpoint or f"{r.method} {r.path}" for r in fake.requests)
    total = sum(counts.values())
    with fake.state.lock:
        created = len(fake.state.issues)
    print(
        f"\nfirst cycle of this process: {len(synced)}/{args.teams} teams synced, "
        f"{len(failed)} failed, "
        f"in {cycle:.1f} s from process start (HTTP up after {first_up or float('nan'):.1f} s)"
        f" = {cycle / INTERVAL_S:.1%} of the 10 min interval"
    )
    if durations:
        print(
            f"  one team's cycle: min {durations[0]:.1f} s, median "
            f"{statistics.median(durations):.1f} s, max {durations[-1]:.1f} s "
            f"({DEFAULT_WORKERS} teams at a time)"
        )
    print(f"  issues in the fake: {created} (items: {items})")
    print(f"  requests: {total} ({total / max(items, 1):.2f} per item)")
    for endpoint, count in counts.most_common():
        print(f"    {count:6d}  {endpoint}")
    print(
        f"  service CPU time so far: {after_cycle.cpu_seconds:.1f} s "
        f"({after_cycle.cpu_seconds / cycle:.0%} of one CPU over the cycle); "
        f"peak RSS {_mb(after_cycle.peak_rss_kib)}, RSS now {_mb(after_cycle.rss_kib)}, "
        f"{after_cycle.threads} threads"
    )
    if child.poll() is not None:
        print(f"the service exited early with status {child.returncode}")
        return
    if idle:
        _idle(child, args.idle, started)
    _terminate(child)


def _idle(child: subprocess.Popen[bytes], seconds: float, started: float) -> None:
    # 2. Idle: the next syncs are due 10 min (less 1 min of jitter) after the first ones.
    window_end = time.monotonic() - started + seconds
    if window_end > INTERVAL_S * 0.9:
        print(f"\nidle: skipped, the next cycle may start within the {seconds:.0f} s window")
        return
    begin = proc_stats(child.pid)
    t0 = time.monotonic()
    time.sleep(seconds)  # the measurement itself: nothing may poke the service meanwhile
    end = proc_stats(child.pid)
    elapsed = time.monotonic() - t0
    cpu = end.cpu_seconds - begin.cpu_seconds
    print(
        f"\nidle ({elapsed:.0f} s between cycles, no scrapes): CPU {cpu:.2f} s = "
        f"{cpu / elapsed:.2%} of one CPU; RSS {_mb(end.rss_kib)} "
        f"(peak {_mb(end.peak_rss_kib)}), {end.threads} threads"
    )


def _terminate(child: subprocess.Popen[bytes]) -> None:
    # 3. SIGTERM between cycles: nothing in flight, so this is the shutdown path's own cost.
    t0 = time.monotonic()
    child.send_signal(signal.SIGTERM)
    try:
        status = child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        print("\nSIGTERM: still running after 30 s")
        return
    print(f"\nSIGTERM: exited with status {status} after {time.monotonic() - t0:.2f} s")


if __name__ == "__main__":
    main()
