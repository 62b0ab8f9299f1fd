"""Reading and extracting many documents on every core.

Extraction is CPU-bound pure Python, so a large source (thousands of postmortems in a fresh
clone) is spread over worker processes. Results come back in the listing's order, so the output
is the same as a sequential read. Small sources stay in-process: starting workers costs more
than it saves below a few hundred documents.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol

from connectors.markdown.files import DocumentText, FoundFile, PathProblem, load_text
from syncd.model import DocumentRejected, ExtractedDocument


class Extractor(Protocol):
    def __call__(self, text: str, *, source: str, document: str) -> ExtractedDocument: ...


PARALLEL_MIN_DOCUMENTS = 400
MAX_WORKERS = 8
CHUNK = 25  # documents per task: enough to amortise the round trip, small enough to balance


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform can say which cores this process may use
        return os.cpu_count() or 1


def worth_parallel(count: int) -> bool:
    return count >= PARALLEL_MIN_DOCUMENTS and usable_cores() > 1


def _load_and_extract(
    job: tuple[Sequence[FoundFile], int, str],
) -> list[ExtractedDocument | PathProblem]:
    from connectors.markdown.extract import extract_document

    files, max_bytes, source = job
    out: list[ExtractedDocument | PathProblem] = []
    for found in files:
        loaded = load_text(found, max_bytes)
        if isinstance(loaded, PathProblem):
            out.append(loaded)
            continue
        out.append(extract_safely(loaded, source, extract_document))
    return out


def extract_safely(
    loaded: DocumentText, source: str, extract: Extractor
) -> ExtractedDocument | PathProblem:
    try:
        return extract(loaded.text, source=source, document=loaded.document)
    except DocumentRejected as exc:  # refused whole on purpose (front matter over its limits)
        return PathProblem(loaded.document, str(exc))
    except Exception as exc:  # the engine promises not to raise; one document must not stop all
        return PathProblem(
            loaded.document,
            f"extraction failed ({type(exc).__name__}: {exc}); this is a bug in syncd, "
            "please report it together with the document",
        )


def load_and_extract_all(
    files: Sequence[FoundFile], *, max_bytes: int, source: str
) -> Iterator[ExtractedDocument | PathProblem]:
    """Every file read and extracted by a pool of workers, in the order given."""
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    workers = min(usable_cores(), MAX_WORKERS, len(chunks))
    # forkserver: workers start from a clean, single-threaded server process, so this is safe
    # inside the long-running service too (forking a threaded process is not).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["connectors.markdown.extract"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for batch in pool.map(_load_and_extract, [(c, max_bytes, source) for c in chunks]):
            yield from batch
