"""``syncd-bench``: benchmarks that print figures. Not tests: nothing here asserts a time.

``syncd-bench extract`` writes N realistic postmortems (several authoring styles, 3-8 KB each)
and a team config into a temporary directory, then runs ``syncd sync --dry-run --json`` on them
in a child process and reports wall time, peak memory (max RSS) and throughput.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

SERVICES = [
    "checkout-api",
    "ledger",
    "search-indexer",
    "auth",
    "webhook-dispatcher",
    "payments-gateway",
    "notifications",
    "catalog",
    "inventory",
    "mobile-bff",
]
CAUSES = [
    "a config change lowered the connection pool",
    "a certificate expired",
    "a DNS record was deleted",
    "a cache stampede after a flush",
    "a bad deploy",
    "a queue backlog grew unnoticed",
    "a region lost a zone",
    "disk filled on the primary",
]
OWNERS = [
    "@alice",
    "Bob Jones",
    "carol",
    "dave@example.com",
    "Payments on-call",
    "@erin",
    "TBD",
    "",
    "Frank Li",
]
ACTIONS = [
    "Add an alert on {svc} 5xx rate above 2% for 5 minutes",
    "Cap the {svc} connection pool at {n} and document why",
    "Automate certificate rotation for {svc}",
    "Write a runbook for {svc} failover",
    "Canary config changes to 5% of {svc} pods for 10 minutes",
    "Improve monitoring of {svc}",
    "Look into retry storms between {svc} and its database",
    "Backfill the {n} missing events in {svc}",
    "Set a {n} ms timeout on calls from {svc} to the ledger",
    "Remove the manual step from the {svc} deploy",
    "Load test {svc} at {n} requests per second before peak season",
    "Should we move {svc} onto the shared queue platform?",
]
DUES = [
    "2026-12-01",
    "Q1 2027",
    "1 Dec 2026",
    "Dec 15, 2026",
    "in 2 weeks",
    "TBD",
    "",
    "end of Q2",
    "2027/01/31",
    "01/02/2027",
]


def _prose(rng: random.Random, sentences: int) -> str:
    words = [
        "the",
        "service",
        "requests",
        "latency",
        "errors",
        "retries",
        "pool",
        "database",
        "cache",
        "customers",
        "team",
        "deploy",
        "rollback",
        "alert",
        "page",
        "dashboard",
        "traffic",
        "capacity",
        "queue",
        "region",
        "failover",
        "config",
        "change",
        "review",
    ]
    out = []
    for _ in range(sentences):
        n = rng.randint(8, 22)
        out.append(" ".join(rng.choice(words) for _ in range(n)).capitalize() + ".")
    return textwrap.fill(" ".join(out), 100)


def _action(rng: random.Random) -> str:
    return rng.choice(ACTIONS).format(svc=rng.choice(SERVICES), n=rng.randint(2, 900))


def _items_table(rng: random.Random, count: int) -> str:
    rows = ["| Action Item | Type | Owner | Due | Bug |", "|---|---|---|---|---|"]
    for _ in range(count):
        status = rng.choice(["**TODO**", "**DONE**", f"PAY-{rng.randint(1, 9999)} **TODO**"])
        rows.append(
            f"| {_action(rng)} | {rng.choice(['mitigate', 'prevent', 'process'])} "
            f"| {rng.choice(OWNERS)} | {rng.choice(DUES)} | {status} |"
        )
    return "\n".join(rows)


def _items_tasks(rng: random.Random, count: int) -> str:
    lines = []
    for _ in range(count):
        box = rng.choice(["[ ]", "[ ]", "[x]", "[]"])
        owner = rng.choice(OWNERS)
        due = rng.choice(DUES)
        text = f"- {box} {_action(rng)}"
        if owner.startswith("@"):
            text += f" {owner}"
        elif owner:
            text += f" (owner: {owner})"
        if due:
            text += f" due {due}"
        lines.append(text)
    return "\n".join(lines)


def _items_titled(rng: random.Random, count: int) -> str:
    lines = []
    for i in range(count):
        lines.append(f"{i + 1}. **{_action(rng)}**: {_prose(rng, 1)} Owner: {rng.choice(OWNERS)}")
    return "\n".join(lines)


def postmortem(rng: random.Random, index: int, day: date) -> str:
    svc = rng.choice(SERVICES)
    title = f"{svc} degraded: {rng.choice(CAUSES)}"
    style = index % 3
    body = [
        "---",
        f'title: "{title}"',
        f"date: {day.isoformat()}",
        f"severity: SEV{rng.randint(1, 3)}",
        f"incident: INC-{1000 + index}",
        f"service: {svc}",
        "---",
        "",
        f"# {title}",
        "",
        "## Summary",
        "",
        _prose(rng, 5),
        "",
        "## Impact",
        "",
        *[f"- {_prose(rng, 1)}" for _ in range(3)],
        "",
        "## Timeline",
        "",
        *[f"- {9 + i // 6:02d}:{(i * 7) % 60:02d} {_prose(rng, 1)}" for i in range(18)],
        "",
        "## Root cause",
        "",
        _prose(rng, 6),
        "",
        "## What went well",
        "",
        *[f"- {_prose(rng, 1)}" for _ in range(3)],
        "",
        "## Action items",
        "",
    ]
    count = rng.randint(4, 10)
    body.append([_items_table, _items_tasks, _items_titled][style](rng, count))
    body += ["", "## Lessons learned", "", _prose(rng, 6), ""]
    return "\n".join(body)


def write_corpus(root: Path, documents: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    docs = root / "postmortems"
    for index in range(documents):
        day = date(2026, 1, 1) + timedelta(days=index % 300)
        folder = docs / str(day.year) / f"{day.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{day.isoformat()}-incident-{index}.md").write_text(
            postmortem(rng, index, day), encoding="utf-8"
        )
    config = root / "config"
    (config / "teams").mkdir(parents=True)
    (config / "teams" / "bench.yaml").write_text(
        textwrap.dedent(f"""\
        team: bench
        timezone: Europe/Berlin
        sources:
          - {{name: postmortems, type: markdown, path: {docs}}}
        tracker:
          type: jira
          url: https://example.atlassian.net
          auth: {{email: bot@example.com, token: "${{JIRA_TOKEN:-}}"}}
          project: PAY
        people:
          alice: {{aliases: ["Alice"], email: alice@example.com}}
          bob: {{aliases: ["Bob Jones"]}}
          carol: {{}}
          dave: {{email: dave@example.com}}
          payments-oncall: {{aliases: ["Payments on-call"], lead: alice}}
        """),
        encoding="utf-8",
    )
    return config


def bench_extract(documents: int) -> None:
    with tempfile.TemporaryDirectory(prefix="syncd-bench-") as tmp:
        root = Path(tmp)
        config = write_corpus(root, documents)
        size = sum(p.stat().st_size for p in (root / "postmortems").rglob("*.md"))
        env_state = root / "state"
        cmd = [
            sys.executable,
            "-m",
            "syncd",
            "sync",
            "--config",
            str(config),
            "--dry-run",
            "--json",
        ]
        env = {"SYNCD_STATE_DIR": str(env_state), "PATH": "/usr/bin:/bin"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
            child = subprocess.Popen(cmd, stdout=out, stderr=errors, env=env)
            tree_peak = _watch_tree_memory(child)
            wall = time.perf_counter() - started
            out.seek(0)
            stdout = out.read()
            errors.seek(0)
            stderr = errors.read()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if child.returncode not in (0, 1):
            sys.stderr.write(stderr.decode(errors="replace"))
            raise SystemExit(f"dry run failed with status {child.returncode}")
        result = json.loads(stdout)
        team = result["teams"]["bench"]
        items = len(team["items"])
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(
            f"documents:        {documents} ({size / documents / 1024:.1f} KB average, "
            f"{size / 1e6:.1f} MB in all)"
        )
        print(f"items found:      {items}")
        print(f"skipped:          {len(team['errors'])}")
        print(
            f"dry run wall:     {wall:.2f} s (whole process: start-up, config, read, "
            f"extract, resolve, plan, JSON)"
        )
        print(
            f"dry run CPU:      {cpu:.2f} s (the syncd process; its extraction workers "
            "not included)"
        )
        print(f"peak memory:      {after.ru_maxrss / 1024:.0f} MB (max RSS of the syncd process)")
        print(
            f"peak memory, all: {tree_peak / 1024:.0f} MB (syncd and its extraction workers, "
            "RSS summed: shared pages counted once per process, an upper bound)"
        )
        print(f"throughput:       {documents / wall:.0f} documents/s")


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree


def _watch_tree_memory(child: subprocess.Popen[bytes], every: float = 0.25) -> int:
    """Wait for ``child``, sampling the summed RSS (KB) of it and its descendants; the peak."""
    peak = 0
    while child.poll() is None:
        peak = max(peak, sum(_rss_kb(pid) for pid in _descendants(child.pid)))
        try:
            child.wait(timeout=every)
        except subprocess.TimeoutExpired:
            continue
    return peak


def _at_least_one(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too few: at least 1")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="syncd-bench",
        description="Benchmarks that print figures (wall time, peak memory, throughput); "
        "nothing here asserts a time.",
    )
    sub = parser.add_subparsers(dest="scenario", required=True, metavar="SCENARIO")
    extract = sub.add_parser(
        "extract",
        help="generate N postmortems and time a dry run on them",
        description="Write N realistic postmortems and a team config into a temporary "
        "directory, run syncd sync --dry-run --json on them in a child process, and report "
        "wall time, peak memory (max RSS) and throughput.",
    )
    extract.add_argument(
        "--documents",
        type=_at_least_one,
        default=2000,
        metavar="N",
        help="how many postmortems to generate (default: %(default)s)",
    )
    confluence = sub.add_parser(
        "confluence",
        help="requests and time to read a Confluence space of N pages (bench/confluence_space)",
        description="Read a space of N pages on a fake Confluence (Cloud and Data Center): the "
        "first read, a cycle with nothing changed, 10 pages edited, a restart. Needs a source "
        "checkout (the fake is part of the test suite).",
    )
    confluence.add_argument("--pages", type=_at_least_one, default=500, metavar="N")
    confluence.add_argument("--latency", type=float, default=0.02, metavar="SECONDS")
    incident_io = sub.add_parser(
        "incident-io",
        help="requests, time and memory of the incident.io source on a fake incident.io",
        description="Run bench/incident_io_source.py (from a source checkout).",
    )
    incident_io.add_argument("--incidents", type=_at_least_one, default=500, metavar="N")
    incident_io.add_argument("--follow-ups", type=_at_least_one, default=3, metavar="N")
    incident_io.add_argument("--latency", type=float, default=0.02, metavar="SECONDS")
    gdocs = sub.add_parser(
        "google-docs",
        help="requests and time of the Google Docs source on a folder of N documents "
        "(bench/google_docs_folder)",
        description="Read a folder of N documents on the fake Drive: the first read, a cycle "
        "with nothing changed, one document edited; wall time, peak memory. Needs a source "
        "checkout (the fake is part of the test suite).",
    )
    gdocs.add_argument("--documents", type=_at_least_one, default=500, metavar="N")
    gdocs.add_argument("--latency", type=float, default=0.02, metavar="SECONDS")
    args = parser.parse_args()
    if args.scenario == "extract":
        bench_extract(args.documents)
    elif args.scenario == "confluence":
        _bench_module(
            "confluence_space", "--pages", str(args.pages), "--latency", str(args.latency)
        )
    elif args.scenario == "incident-io":
        sizes = ["--incidents", str(args.incidents), "--follow-ups", str(args.follow_ups)]
        _bench_module("incident_io_source", *sizes, "--latency", str(args.latency))
    elif args.scenario == "google-docs":
        _bench_module(
            "google_docs_folder",
            "--documents",
            str(args.documents),
            "--latency",
            str(args.latency),
        )


def _bench_module(name: str, *args: str) -> None:
    """Run ``bench/<name>.py`` of the source checkout syncd is installed from (the benchmarks
    drive the test suite's fakes)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "bench" / f"{name}.py").is_file():
        sys.exit(
            f"syncd-bench: bench/{name}.py not found next to syncd: run from a source checkout"
        )
    sys.exit(subprocess.run([sys.executable, "-m", f"bench.{name}", *args], cwd=root).returncode)


if __name__ == "__main__":
    main()
