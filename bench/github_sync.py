"""Benchmark: mirroring into GitHub. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.github_sync [--items 1000] [--creates 1000]
[--factor 10] [--teams 50] [--parts polling,mirror,service]

Real ``syncd`` processes against a fake GitHub (from the test suite) over loopback, in three
parts:

1. **Polling 1,000 mirrored items.** The fake holds ``--items`` issues that syncd mirrored
   before (each with its item's marker, label and ``Due:`` line); a first cycle with an empty
   state store adopts them all by their markers, writing nothing, and then cycles in which
   nothing changed are counted request by request (a ``304 Not Modified`` included).
2. **The initial mirror of ``--creates`` items** (1,000) by ``syncd sync`` processes, with the
   fake enforcing GitHub's secondary limits (writes at least 1 s apart, 80 content-creating
   requests a minute, 500 an hour) ``--factor`` times faster (its latency too: time runs faster
   for the whole scenario; syncd's own CPU time does not), and syncd keeping them as fast
   (``SYNCD_TEST_RATE_SCALE``, a benchmark and test setting only): each process writes what the
   account's budget allows, exits 1 with the rest deferred, and the next starts when it opens.
3. **The service**: ``syncd run`` with ``--teams`` teams (50) sharing one token, until every
   item has its issue.

Parts 2 and 3 print, as the fake saw them: the most creates in any minute and any hour, the
smallest gap between two writes, requests per created item, and the time from the first create
to the last against the ideal the limits allow (every create at the earliest moment allowed,
requests taking no time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.e2e.github_teams import GitHubTeams, pace_of
from tests.e2e.workspaces import LABEL, GitHubWorkspace, write_postmortems
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub, RecordedRequest
from tests.fakes.github.state import system_clock
from tests.service.service_support import free_port

ITEMS_PER_DOCUMENT = 5


def _run(ws: GitHubWorkspace, *extra: str) -> tuple[dict[str, Any], float, int]:
    """One ``syncd sync --json`` process: (the team's result, wall seconds, exit status)."""
    started = time.perf_counter()
    done = subprocess.run(
        ws.command("--json", *extra), env=ws.env(), capture_output=True, check=False
    )
    wall = time.perf_counter() - started
    try:
        result: dict[str, Any] = json.loads(done.stdout)["teams"]["payments"]
    except (ValueError, KeyError):
        print(done.stderr.decode(errors="replace")[-2000:])
        raise SystemExit(f"syncd sync exited {done.returncode} without a result") from None
    return result, wall, done.returncode


def _print_requests(requests: list[RecordedRequest]) -> None:
    counts: Counter[str] = Counter(
        f"{r.endpoint or r.method + ' ' + r.path} -> {r.status}" for r in requests
    )
    for endpoint, count in counts.most_common():
        print(f"  {count:6d}  {endpoint}")


def _seed_mirrored_issues(ws: GitHubWorkspace) -> int:
    """Issues for every item, as syncd writes them, without syncd's state store knowing them."""
    planned, _, _ = _run(ws, "--dry-run")
    fake = ws.fake
    # Mirrored a day ago: the issues are not "updated since" any recent cycle.
    fake.state.clock = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    for item in planned["items"]:
        body = (
            f"{item['title']}\n\nFrom the postmortem.\n\n"
            + (f"Due: {item['due']}\n\n" if item.get("due") else "")
            + f"<!-- syncd:item={item['id']} -->"
        )
        fake.state.create_issue(fake.repo, item["title"], fake.bot, body=body, labels=[LABEL])
    fake.state.clock = system_clock
    return len(planned["items"])


def polling(items: int, latency: float) -> None:
    documents = max(1, items // ITEMS_PER_DOCUMENT)
    with (
        tempfile.TemporaryDirectory(prefix="syncd-bench-github-") as tmp,
        FakeGitHub(secondary=SecondaryLimits.off(), latency=latency) as fake,
    ):
        root = Path(tmp)
        ws = GitHubWorkspace(root, fake)
        write_postmortems(root / "docs", documents, ITEMS_PER_DOCUMENT)
        ws.write_config()
        seeded = _seed_mirrored_issues(ws)
        print(f"\n== Polling {seeded} mirrored items (fake latency {latency * 1000:.0f} ms) ==")
        fake.clear_requests()
        adopted, wall, status = _run(ws)
        writes = [r for r in fake.requests if r.method != "GET"]
        print(
            f"empty state store: adopted {adopted['adopted']}, created {adopted['created']}, "
            f"{len(fake.requests)} requests ({len(writes)} writes), exit {status}, "
            f"{wall:.2f} s"
        )
        _print_requests(fake.requests)
        for n in range(1, 4):
            fake.clear_requests()
            result, wall, status = _run(ws)
            print(
                f"cycle {n} after it: unchanged {result['unchanged']}, updated "
                f"{result['updated']}, {len(fake.requests)} requests, exit {status}; "
                f"the team's cycle {result['seconds']:.2f} s, the process {wall:.2f} s"
            )
            _print_requests(fake.requests)


def ideal_seconds(creates: int, limits: SecondaryLimits) -> float:
    """From the first create to the last, as fast as the limits allow, with requests that take
    no time: each create at the earliest moment every limit permits."""
    times: list[float] = []
    for _ in range(creates):
        at = times[-1] + (limits.min_write_interval or 0.0) if times else 0.0
        for window, count in (
            (limits.minute, limits.content_per_minute),
            (limits.hour, limits.content_per_hour),
        ):
            if count is not None and len(times) >= count:
                at = max(at, times[-count] + window)
        times.append(at)
    return times[-1] if times else 0.0


def print_pace(requests: list[RecordedRequest], limits: SecondaryLimits, wall: float) -> None:
    pace = pace_of(requests, limits.minute, limits.hour)
    ideal = ideal_seconds(pace.creates, limits)
    gap = pace.smallest_write_gap
    print(
        f"creates: {pace.creates}; the most in any minute {pace.max_per_minute} (limit "
        f"{limits.content_per_minute}), in any hour {pace.max_per_hour} (limit "
        f"{limits.content_per_hour}); the fake's minute is {limits.minute:g} s, its hour "
        f"{limits.hour:g} s"
    )
    print(
        "smallest gap between two writes as the fake saw them: "
        + ("none" if gap is None else f"{gap * 1000:.1f} ms")
        + f" (limit {(limits.min_write_interval or 0) * 1000:.1f} ms)"
    )
    print(
        f"requests: {pace.requests}, {pace.requests_per_create:.2f} per created item; "
        f"secondary-limit answers: {sum(1 for r in requests if r.limited == 'secondary')}"
    )
    if pace.creates > 1:
        print(
            f"first to last create {pace.first_to_last:.1f} s; the ideal the limits allow "
            f"{ideal:.1f} s ({pace.first_to_last / ideal - 1:+.1%}); wall time {wall:.1f} s"
        )


def first_mirror(creates: int, latency: float, factor: float) -> None:
    """The initial mirror of ``creates`` items by ``syncd sync`` processes, one after another,
    each ending when the account's budget is spent and the next starting when it opens."""
    limits = SecondaryLimits().scaled(factor)
    with (
        tempfile.TemporaryDirectory(prefix="syncd-bench-github-") as tmp,
        FakeGitHub(secondary=limits, latency=latency / factor) as fake,
    ):
        teams = GitHubTeams(Path(tmp), fake, rate_scale=factor)
        items = teams.write(teams=1, items_per_team=creates)
        print(
            f"\n== Initial mirror of {items} items, GitHub's limits {factor:g} times faster "
            f"(so is the fake's latency: {latency / factor * 1000:.1f} ms) =="
        )
        started = time.monotonic()
        runs = 0
        while runs < 20:
            runs += 1
            [done] = teams.sync_all()
            result = done.teams[teams.names[0]]
            deferred = result.get("deferred")
            print(
                f"  syncd sync #{runs}: exit {done.status}, created {result['created']}"
                + (f", {deferred['items']} deferred until {deferred['until']}" if deferred else "")
                + f", {len(result['errors'])} errors"
            )
            if not deferred:
                break
            opens = dt.datetime.fromisoformat(deferred["until"]).timestamp()
            time.sleep(max(0.0, opens - time.time()))  # what cron or the service would do
        print_pace(fake.requests, limits, time.monotonic() - started)


def service(teams_count: int, items_per_team: int, latency: float, factor: float) -> None:
    """``syncd run`` with many teams sharing one token, until every item has its issue."""
    limits = SecondaryLimits().scaled(factor)
    with (
        tempfile.TemporaryDirectory(prefix="syncd-bench-github-service-") as tmp,
        FakeGitHub(secondary=limits, latency=latency / factor) as fake,
    ):
        teams = GitHubTeams(Path(tmp), fake, rate_scale=factor)
        items = teams.write(teams=teams_count, items_per_team=items_per_team)
        print(
            f"\n== syncd run: {teams_count} teams, {items} items, one token, GitHub's limits "
            f"{factor:g} times faster (so is the fake's latency: "
            f"{latency / factor * 1000:.1f} ms) =="
        )
        env = {**teams.env(), "SYNCD_HTTP_PORT": str(free_port()), "SYNCD_HTTP_HOST": "127.0.0.1"}
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-m", "syncd", "run", "--config", str(teams.config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = started + ideal_seconds(items, limits) * 3 + 120
        try:
            while time.monotonic() < deadline and child.poll() is None:
                if _issues(fake) >= items:
                    break
                time.sleep(0.5)  # a polling step of the benchmark
            wall = time.monotonic() - started
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        print(f"issues created {_issues(fake)} of {items} in {wall:.1f} s")
        print_pace(fake.requests, limits, wall)


def _issues(fake: FakeGitHub) -> int:
    with fake.state.lock:
        return sum(
            1
            for repo in fake.state.repos.values()
            for issue in repo.issues.values()
            if not issue.is_pull_request
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000, help="mirrored items to poll")
    parser.add_argument("--creates", type=int, default=1000, help="items in the first mirror")
    parser.add_argument("--latency", type=float, default=0.02, help="fake's answer delay, s")
    parser.add_argument(
        "--factor", type=float, default=10.0, help="GitHub's limits run this many times faster"
    )
    parser.add_argument("--teams", type=int, default=50, help="teams of the service")
    parser.add_argument("--team-items", type=int, default=20, help="items per team")
    parser.add_argument(
        "--parts", default="polling,mirror,service", help="which parts to run, comma-separated"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "polling" in parts:
        polling(args.items, args.latency)
    if "mirror" in parts:
        first_mirror(args.creates, args.latency, args.factor)
    if "service" in parts:
        service(args.teams, args.team_items, args.latency, args.factor)


if __name__ == "__main__":
    main()
