"""Benchmark: mirroring into Jira. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.jira_sync [--items 1000] [--latency 0.02]

A fake Jira Cloud (from the test suite) answers every request after ``--latency`` seconds.
Real ``syncd sync`` processes run three cycles against it: the first mirror of every item, a
cycle in which nothing changed, and a cycle after 10 items were edited in their documents.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.e2e.workspaces import JiraWorkspace, write_postmortems
from tests.fakes.jira.server import FakeJira
from tests.fakes.jira.state import ManualClock

CYCLE_INTERVAL_S = 600  # the default sync_interval: cycles are ten minutes apart


def _cycle(ws: JiraWorkspace, name: str, items: int) -> None:
    ws.fake.clear_requests()
    started = time.perf_counter()
    done = subprocess.run(ws.command("--json"), env=ws.env(), capture_output=True, check=False)
    wall = time.perf_counter() - started
    counts: Counter[str] = Counter(r.endpoint or f"{r.method} {r.path}" for r in ws.fake.requests)
    total = sum(counts.values())
    try:
        cycle = json.loads(done.stdout)["teams"]["payments"]["seconds"]
    except (ValueError, KeyError):
        cycle = float("nan")
    links = sum(n for endpoint, n in counts.items() if endpoint.endswith("/remotelink"))
    if links:
        print(
            f"\n{name}: remote links back to the postmortems: {links} of {total} requests "
            "(tracker.remote_links: false saves them)"
        )
    print(
        f"\n{name}: exit {done.returncode}, {total} requests"
        + (f" ({total / items:.2f} per item)" if items else "")
        + f"; the team's cycle {cycle:.2f} s, the whole process {wall:.2f} s"
    )
    for endpoint, count in counts.most_common():
        print(f"  {count:6d}  {endpoint}")


def _edit_items(docs: Path, count: int) -> None:
    edited = 0
    for path in sorted(docs.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new, n = re.subn(r"due 2026-12-(\d\d)", "due 2027-01-\\1", text, count=1)
        if n:
            path.write_text(new, encoding="utf-8")
            edited += 1
        if edited == count:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument(
        "--no-remote-links",
        action="store_true",
        help="tracker.remote_links: false (no link request per created issue)",
    )
    args = parser.parse_args()
    per_document = max(1, args.items // args.documents)
    clock = ManualClock()
    with (
        tempfile.TemporaryDirectory(prefix="syncd-bench-jira-") as tmp,
        FakeJira("cloud", latency=args.latency, clock=clock) as fake,
    ):
        root = Path(tmp)
        ws = JiraWorkspace(root, fake)
        items = write_postmortems(root / "docs", args.documents, per_document)
        ws.write_config()
        if args.no_remote_links:
            team_file = root / "config" / "teams" / "payments.yaml"
            text = team_file.read_text(encoding="utf-8")
            team_file.write_text(
                text.replace("tracker:\n", "tracker:\n  remote_links: false\n", 1),
                encoding="utf-8",
            )
        print(
            f"{items} items in {args.documents} postmortems; fake Jira latency "
            f"{args.latency * 1000:.0f} ms per request"
        )
        _cycle(ws, "initial sync", items)
        clock.advance(CYCLE_INTERVAL_S)
        _cycle(ws, "next cycle (reads once the issues the initial sync created)", 0)
        clock.advance(CYCLE_INTERVAL_S)
        _cycle(ws, "no-change cycle", 0)
        clock.advance(CYCLE_INTERVAL_S)
        _edit_items(root / "docs", 10)
        _cycle(ws, "cycle with 10 changed items", 0)
        clock.advance(CYCLE_INTERVAL_S)
        _cycle(ws, "no-change cycle after it", 0)


if __name__ == "__main__":
    main()
