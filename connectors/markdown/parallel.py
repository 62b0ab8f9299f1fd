"""Reading and extracting documents in worker processes, each document within a time budget.

Extraction is CPU-bound pure Python on untrusted text. In worker processes it uses every core,
a document that takes longer than ``max_document_seconds`` (a hostile one: real postmortems
take milliseconds) is skipped by killing its worker instead of stalling the cycle, and the
service's threads (probes, signals) never wait behind a parser or regular expression that holds
the interpreter. Results come back in the listing's order, so the output is the same as a
sequential read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from connectors.markdown.files import DocumentText, FoundFile, PathProblem
from syncd.connector.model import DocumentRejected, ExtractedDocument
from syncd.connector.workers import Overran, WorkerFailed, shared_pool, usable_cores


class Extractor(Protocol):
    def __call__(self, text: str, *, source: str, document: str) -> ExtractedDocument: ...


# The reading process's job, named rather than imported: this process never loads the engine
# for it, and the worker loads it before it says it is ready (before any budget runs).
WORKER_TARGET = "connectors.markdown.worker:load_and_extract"
MAX_WORKERS = 8
DOCUMENTS_PER_WORKER = 50  # below this, one more worker costs more to start than it saves


def worker_count(documents: int) -> int:
    wanted = -(-documents // DOCUMENTS_PER_WORKER)
    return max(1, min(usable_cores(), MAX_WORKERS, wanted))


def extract_safely(
    loaded: DocumentText, source: str, extract: Extractor
) -> ExtractedDocument | PathProblem:
    try:
        return extract(loaded.text, source=source, document=loaded.document)
    except MemoryError:
        raise
    except DocumentRejected as exc:  # refused whole on purpose (front matter over its limits)
        return PathProblem(loaded.document, str(exc))
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

    Raises ``syncd.workers.pool.WorkersStopped`` when the service ends the workers (SIGTERM).
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
