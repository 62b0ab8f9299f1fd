"""Benchmark: the incident.io source over a fake incident.io. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.incident_io_source [--incidents 500]
[--follow-ups 3] [--latency 0.02]   (or: syncd-bench incident-io ...)

The fake (from the test suite, on loopback, each answer delayed by ``--latency`` seconds)
holds ``--incidents`` incidents with ``--follow-ups`` follow-ups each, in the API's shape, a
third of them exported to Jira. It prints, for the first read (nothing cached), a cycle with
nothing changed, the first cycle of a new process (the cache read from its file) and a cycle a
day later (incidents refreshed, spread over their second day): requests by endpoint, wall
time, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.incident_io import IncidentIoSettings, IncidentIoSource
from syncd.connector.source import SourceContext
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import FIXTURES, NOW

_SEVERITIES = ["Critical", "Major", "Minor"]


def _world(incidents: int, follow_ups: int) -> list[dict[str, Any]]:
    template = json.loads((FIXTURES / "01-checkout-latency.json").read_text(encoding="utf-8"))
    world = []
    for n in range(incidents):
        incident = copy.deepcopy(template["incident"])
        incident.update(
            id=f"01HBENCHINCIDENT{n:010d}",
            reference=f"INC-{1000 + n}",
            name=f"Benchmark incident {n}: checkout latency",
            permalink=f"https://app.incident.io/acme/incidents/{1000 + n}",
        )
        incident["severity"]["name"] = _SEVERITIES[n % 3]
        items = []
        for m in range(follow_ups):
            item = copy.deepcopy(template["follow_ups"][m % len(template["follow_ups"])])
            item.update(id=f"01HBENCHFU{n:08d}{m:04d}", incident_id=incident["id"])
            item["title"] = f"{item['title']} ({n}.{m})"
            if (n + m) % 3:
                item.pop("external_issue_reference", None)
            else:
                key = f"PAY-{n * follow_ups + m + 1}"
                item["external_issue_reference"] = {
                    "provider": "jira",
                    "issue_name": key,
                    "issue_permalink": f"https://acme.atlassian.net/browse/{key}",
                }
            items.append(item)
        world.append({"incident": incident, "follow_ups": items})
    return world


def _source(fake: FakeIncidentIo, cache: Path, now: datetime = NOW) -> IncidentIoSource:
    """As syncd builds it: incident.io's pace (1,200 requests a minute), the real clock."""
    settings = IncidentIoSettings.model_validate({"api_key": fake.api_key, "url": fake.url})
    context = SourceContext(team="bench", config_dir=cache, cache_dir=cache, now=now)
    return IncidentIoSource("incidents", settings, context)


def _cycle(fake: FakeIncidentIo, label: str, source: Any) -> None:
    fake.clear_requests()
    started = time.perf_counter()
    results = list(source.read())
    seconds = time.perf_counter() - started
    counts = fake.endpoint_counts()
    items = sum(len(getattr(r, "items", ())) for r in results)
    by_endpoint = ", ".join(f"{n} {endpoint}" for endpoint, n in sorted(counts.items()))
    print(
        f"{label:<32} {sum(counts.values()):>5} requests ({by_endpoint}); "
        f"{len(results)} documents, {items} items; {seconds:.2f} s"
    )


def run(incidents: int, follow_ups: int, latency: float) -> None:
    with FakeIncidentIo() as fake, tempfile.TemporaryDirectory() as scratch:
        fake.state.load(_world(incidents, follow_ups))
        fake.faults.latency = latency
        cache = Path(scratch)
        print(
            f"incident.io source: {incidents} incidents x {follow_ups} follow-ups, "
            f"{latency * 1000:.0f} ms latency per answer"
        )
        source = _source(fake, cache)
        _cycle(fake, "first read (nothing cached)", source)
        _cycle(fake, "no change", source)
        _cycle(fake, "no change, a new process", _source(fake, cache))
        later = _source(fake, cache, NOW + timedelta(hours=36))
        _cycle(fake, "36 h later (refreshes due)", later)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process, fake included): {peak:.0f} MiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="incident-io", description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--follow-ups", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per answer")
    args = parser.parse_args(argv)
    if args.incidents < 1 or args.follow_ups < 1 or args.latency < 0:
        parser.error("--incidents and --follow-ups must be at least 1, --latency at least 0")
    run(args.incidents, args.follow_ups, args.latency)


if __name__ == "__main__":
    main(sys.argv[1:])
