"""Benchmark: a Google Docs folder of 500 documents. Prints figures; asserts nothing.

Run from the repository root:  .venv/bin/python -m bench.google_docs_folder [--documents 500]
[--latency 0.02]   (or: syncd-bench google-docs)

The Google Docs source reads a folder of the fake Drive (from the test suite) over loopback,
each answer delayed by ``--latency`` seconds, with the real reading processes. Three cycles, a
new source each as ``syncd run`` makes them, in one process (so the access token is kept):

1. the first read: a token, the listing, every document exported and read;
2. a cycle with nothing changed: the listing only;
3. a cycle after one document was edited: the listing and that one export.

For each it prints the requests by kind, the wall time, and at the end the peak memory of this
process and of the reading processes.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections import Counter
from pathlib import Path

from syncd.connector.model import DocumentFailure
from syncd.workers.pool import end_all_workers
from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.google_docs.support import Folder, fixture_texts, request_kind


def _fill(folder: Folder, documents: int) -> None:
    """The fixtures again and again under new names, up to ``documents``."""
    texts = list(fixture_texts().items())
    for index in range(documents - len(folder.documents)):
        name, text = texts[index % len(texts)]
        doc = folder.fake.state.add_document(f"{name} #{index + 2}", folder.folder.id, text)
        folder.documents[doc.name] = doc


def _cycle(folder: Folder, label: str) -> None:
    before = len(folder.fake.requests)
    started = time.perf_counter()
    results = list(folder.source(workers=True).read())
    seconds = time.perf_counter() - started
    kinds = Counter(request_kind(r.path) for r in folder.fake.requests[before:])
    failed = sum(isinstance(r, DocumentFailure) for r in results)
    shown = ", ".join(f"{kinds[k]} {k}" for k in ("token", "list", "get", "export") if kinds[k])
    print(
        f"{label:<28} {len(results):>4} documents ({failed} failed)  "
        f"{sum(kinds.values()):>4} requests ({shown})  {seconds:6.2f} s"
    )


def run(documents: int, latency: float) -> None:
    with tempfile.TemporaryDirectory() as scratch, FakeGoogleDrive() as fake:
        folder = Folder(fake, Path(scratch))
        _fill(folder, documents)
        fake.faults.latency = latency
        print(f"a folder of {documents} Google Docs, {latency * 1000:g} ms per answer")
        _cycle(folder, "first read")
        _cycle(folder, "no change")
        file = next(iter(folder.documents.values()))
        fake.state.edit(file.id, file.content + "\nEdited.\n")
        _cycle(folder, "one document edited")
    end_all_workers()  # reaped, so that their peak counts below
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {own:.0f} MB this process, {workers:.0f} MB the largest reading process")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per answer")
    args = parser.parse_args(argv)
    run(max(11, args.documents), max(0.0, args.latency))


if __name__ == "__main__":
    main()
