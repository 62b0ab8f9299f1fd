"""Exports to extractions: in reading processes with a time budget per document (the
service), or in this process (tests and benchmarks that inject it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from syncd.connector.model import ExtractedDocument
from syncd.connector.source import SourceError
from syncd.connector.workers import (
    Overran,
    WorkerFailed,
    WorkersStopped,
    shared_pool,
    usable_cores,
)

# Named, not imported: this process never loads the engine for it (connectors.markdown.parallel).
WORKER_TARGET = "connectors.google_docs.worker:extract_export"
MAX_WORKERS = 8
DOCUMENTS_PER_WORKER = 20  # below this, one more reading process costs more to start than it saves

Job = tuple[str, str, str]  # (export text, document name, source name)


class ExportExtractor(Protocol):
    def __call__(self, jobs: Sequence[Job]) -> Iterator[ExtractedDocument | str]:
        """Each job's extraction, or why its document was skipped, in the order given."""


class WorkerExtractor:
    def __init__(self, budget: float) -> None:
        self._budget = budget

    def __call__(self, jobs: Sequence[Job]) -> Iterator[ExtractedDocument | str]:
        if not jobs:
            return
        pool = shared_pool(WORKER_TARGET)
        try:
            for result in pool.map(jobs, budget=self._budget, workers=_workers(len(jobs))):
                if isinstance(result, Overran):
                    yield (
                        f"reading it took longer than {self._budget:g} s (the source's "
                        "max_document_seconds), so it was stopped and skipped"
                    )
                elif isinstance(result, WorkerFailed):
                    yield f"could not be read ({result.reason}); skipped"
                else:
                    yield result
        except WorkersStopped as exc:
            raise SourceError(f"{exc}; this source's items are kept as they were") from None


def _workers(documents: int) -> int:
    wanted = -(-documents // DOCUMENTS_PER_WORKER)
    return max(1, min(usable_cores(), MAX_WORKERS, wanted))


def in_process(jobs: Sequence[Job]) -> Iterator[ExtractedDocument | str]:
    """The same extraction without reading processes (no time budget): tests, benchmarks."""
    from connectors.google_docs.worker import extract_export

    for job in jobs:
        yield extract_export(job)
