"""Benchmark: mirroring into GitHub. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.github_sync [--items 1000] [--creates 45]

Real ``syncd sync`` processes against a fake GitHub (from the test suite) over loopback, in two
parts:

1. **Polling 1,000 mirrored items.** The fake holds ``--items`` issues that syncd mirrored
   before (each with its item's marker, label and ``Due:`` line); a first cycle with an empty
   state store adopts them all by their markers, writing nothing, and then cycles in which
   nothing changed are counted request by request (a ``304 Not Modified`` included).
2. **A first mirror at GitHub's pace.** ``--creates`` new items, with the fake enforcing
   GitHub's published secondary limits (writes at least 1 s apart, 80 content-creating requests
   a minute, 500 an hour). The connector paces writes on the real clock with those published
   figures; they are constants, not settings, so they cannot be scaled down without changing
   what syncd does in production. This part therefore runs at the real pace, and the figures
   compare what syncd achieved with what the limits allow: the creation rate, and how much
   time syncd adds to the time the limits impose.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.e2e.github_workspace import LABEL, GitHubWorkspace, write_postmortems
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub, RecordedRequest
from tests.fakes.github.state import system_clock

ITEMS_PER_DOCUMENT = 5
# GitHub's published limits on creating content: the binding one for a single writer is the
# one-second spacing (60 a minute, under the 80 a minute allowed) until 500 in an hour.
WRITE_INTERVAL_S = 1.0
CONTENT_PER_HOUR = 500


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


def first_mirror(creates: int, latency: float) -> None:
    documents = max(1, creates // ITEMS_PER_DOCUMENT)
    with (
        tempfile.TemporaryDirectory(prefix="syncd-bench-github-") as tmp,
        FakeGitHub(secondary=SecondaryLimits(), latency=latency) as fake,
    ):
        root = Path(tmp)
        ws = GitHubWorkspace(root, fake)
        items = write_postmortems(root / "docs", documents, ITEMS_PER_DOCUMENT)
        ws.write_config()
        print(
            f"\n== First mirror of {items} items at GitHub's published limits "
            f"(fake latency {latency * 1000:.0f} ms) =="
        )
        result, wall, status = _run(ws)
        posts = sorted(
            r.at for r in fake.requests if r.endpoint == "POST /repos/{owner}/{repo}/issues"
        )
        _print_requests(fake.requests)
        print(f"created {result['created']}, exit {status}, errors {len(result['errors'])}")
        print(f"secondary-limit answers: {len(fake.secondary_hits)}")
        if len(posts) < 2:
            print("too few creates to measure a rate")
            return
        span = posts[-1] - posts[0]
        allowed = 1.0 / WRITE_INTERVAL_S
        achieved = (len(posts) - 1) / span
        print(
            f"creation rate: {achieved * 60:.1f} a minute, {achieved / allowed:.1%} of the "
            f"{allowed * 60:.0f} a minute the limits allow ({len(posts)} creates in {span:.2f} s)"
        )
        # What the limits impose on this run: the spacing between the creates. Everything
        # else (start-up, reading documents, the listing, the store) is syncd's own time.
        imposed = (len(posts) - 1) * WRITE_INTERVAL_S
        cycle = float(result["seconds"])
        print(
            f"time the limits impose {imposed:.2f} s; the team's cycle {cycle:.2f} s "
            f"(+{(cycle - imposed) / imposed:.1%}); the whole process {wall:.2f} s "
            f"(+{(wall - imposed) / imposed:.1%}, Python start-up included)"
        )
        # 1,000 items at this rate: 500 in the first hour's window (one a second), then the
        # creation budget holds the rest until that window has passed.
        first_window = CONTENT_PER_HOUR / achieved
        total = 3600 + (1000 - CONTENT_PER_HOUR) / achieved
        print(
            f"extrapolated to 1,000 items: the first {CONTENT_PER_HOUR} in "
            f"{first_window / 60:.1f} min, all of them in {total / 60:.0f} min "
            "(GitHub's 500 an hour is then the binding limit)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000, help="mirrored items to poll")
    parser.add_argument("--creates", type=int, default=40, help="items in the first mirror")
    parser.add_argument("--latency", type=float, default=0.02, help="fake's answer delay, s")
    args = parser.parse_args()
    polling(args.items, args.latency)
    first_mirror(args.creates, args.latency)


if __name__ == "__main__":
    main()
