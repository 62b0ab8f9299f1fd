"""Benchmark: reading a Confluence space. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.confluence_space [--pages 500]
[--latency 0.02] [--deployment cloud|datacenter|both]   (or: syncd-bench confluence)

A fake Confluence (from the test suite) answers every request after ``--latency`` seconds. The
space holds N postmortem pages in the fixtures' styles (Atlassian's template, task lists, free
tables, Jira macros, pages without actions). The source reads it as ``syncd`` does, pages
extracted in worker processes: a first read, a cycle with nothing changed, a cycle after 10
pages were edited, and a restarted process (a new source over the same cache folder) with
nothing changed. For each: requests sent, page bodies fetched, wall time.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from connectors.confluence import ConfluenceSource
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceContext
from tests.confluence.support import fixture, fixture_names, settings_for
from tests.fakes.confluence.server import FakeConfluence

EDITED = 10


def _space(fake: FakeConfluence, pages: int) -> list[str]:
    names = fixture_names()
    ids = []
    for n in range(pages):
        body = fixture(names[n % len(names)]).replace("</h2>", f" ({n})</h2>", 1)
        ids.append(fake.state.add_page("PAY", f"Postmortem {n:04d}", body).id)
    return ids


def _cycle(label: str, source: ConfluenceSource, fake: FakeConfluence) -> None:
    fake.clear_requests()
    started = time.perf_counter()
    results = list(source.read())
    wall = time.perf_counter() - started
    documents = sum(isinstance(r, ExtractedDocument) for r in results)
    failed = sum(isinstance(r, DocumentFailure) for r in results)
    items = sum(len(r.items) for r in results if isinstance(r, ExtractedDocument))
    print(
        f"  {label:<28} {len(fake.requests):>5} requests ({len(fake.page_reads()):>3} page "
        f"bodies)  {wall:7.2f} s  {documents} pages, {items} items, {failed} failed"
    )


def run(deployment: str, pages: int, latency: float) -> None:
    with FakeConfluence(deployment, latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
        ids = _space(fake, pages)
        context = SourceContext(
            team="bench", config_dir=Path(tmp), cache_dir=Path(tmp) / "cache",
            now=datetime.now(UTC),
        )  # fmt: skip
        settings = settings_for(fake)
        print(f"{deployment}: a space of {pages} pages, {latency * 1000:g} ms a request")
        source = ConfluenceSource("wiki", settings, context)
        _cycle("first read", source, fake)
        _cycle("nothing changed", source, fake)
        for page_id in ids[:EDITED]:
            fake.state.edit(page_id, body=fake.state.pages[page_id].body + "<p>edited</p>")
        _cycle(f"{EDITED} pages edited", source, fake)
        _cycle("restart, nothing changed", ConfluenceSource("wiki", settings, context), fake)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process (max RSS): {peak:.0f} MiB (workers not included)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.confluence_space")
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds a request")
    parser.add_argument("--deployment", choices=["cloud", "datacenter", "both"], default="both")
    args = parser.parse_args(argv)
    for deployment in ("cloud", "datacenter"):
        if args.deployment in (deployment, "both"):
            run(deployment, args.pages, args.latency)


if __name__ == "__main__":
    main()
