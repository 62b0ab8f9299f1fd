"""Reading and extracting documents in worker processes, each document within a time budget.

Extraction is CPU-bound pure Python on untrusted text. In worker processes it uses every core,
a document that takes longer than ``max_document_seconds`` (a hostile one: real postmortems
take milliseconds) is skipped by killing its worker instead of stalling the cycle, and the
service's threads (probes, signals) never wait behind a parser or regular expression that holds
the interpreter. Results come back in the listing's order, so the output is the same as a
sequential read.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from typing import Protocol

from connectors.markdown.files import DocumentText, FoundFile, PathProblem, load_text
from syncd.model import ExtractedDocument
from syncd.worker_pool import Overran, WorkerFailed, shared_pool


class Extractor(Protocol):
    def __call__(self, text: str, *, source: str, document: str) -> ExtractedDocument: ...


WORKER_TARGET = "connectors.markdown.parallel:load_and_extract"
MAX_WORKERS = 8
DOCUMENTS_PER_WORKER = 50  # below this, one more worker costs more to start than it saves


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform can say which cores this process may use
        return os.cpu_count() or 1


def worker_count(documents: int) -> int:
    wanted = -(-documents // DOCUMENTS_PER_WORKER)
    return max(1, min(usable_cores(), MAX_WORKERS, wanted))


def load_and_extract(job: tuple[FoundFile, int, str]) -> ExtractedDocument | PathProblem:
    """One document, in a worker: read, decode, extract."""
    from connectors.markdown.extract import extract_document

    found, max_bytes, source = job
    loaded = load_text(found, max_bytes)
    if isinstance(loaded, PathProblem):
        return loaded
    # The parser allocates a token per bit of markup and keeps them all to the end: cyclic
    # garbage collections would rescan that growing heap again and again (40 % of the time on
    # a large document) for cycles it does not make. Collection resumes between documents.
    gc.disable()
    try:
        return extract_safely(loaded, source, extract_document)
    except MemoryError:
        return PathProblem(
            loaded.document,
            "reading it needs more memory than a reading process may use; it was skipped "
            "(a document that large in memory is most likely malformed)",
        )
    finally:
        gc.enable()


def extract_safely(
    loaded: DocumentText, source: str, extract: Extractor
) -> ExtractedDocument | PathProblem:
    try:
        return extract(loaded.text, source=source, document=loaded.document)
    except MemoryError:
        raise
    except Exception as exc:  # the engine promises not to raise; one document must not stop all
        return PathProblem(
            loaded.document,
            f"extraction failed ({type(exc).__name__}: {exc}); this is a bug in syncd, "
            "please report it together with the document",
        )


def read_in_workers(
    files: Sequence[FoundFile], *, max_bytes: int, source: str, budget: float
) -> Iterator[ExtractedDocument | PathProblem]:
    """Every file read and extracted by worker processes, in the order given.

    Raises ``syncd.worker_pool.WorkersStopped`` when the service ends the workers (SIGTERM).
    """
    pool = shared_pool(WORKER_TARGET)
    jobs = [(found, max_bytes, source) for found in files]
    results = pool.map(jobs, budget=budget, workers=worker_count(len(files)))
    for found, result in zip(files, results, strict=True):
        if isinstance(result, Overran):
            yield PathProblem(
                found.document,
                f"reading it took longer than {budget:g} s (the source's max_document_seconds), "
                "so it was stopped and skipped; real postmortems take milliseconds: look for "
                "very long lines, or long runs of brackets or emphasis",
            )
        elif isinstance(result, WorkerFailed):
            yield PathProblem(found.document, f"could not be read ({result.reason}); skipped")
        else:
            yield result
