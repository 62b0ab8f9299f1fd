"""The job of a reading process (``syncd.workers.main``): one document read and extracted.

The engine is imported with this module, when the worker starts and before it reports ready,
so a document's budget never pays for it.
"""

from __future__ import annotations

import gc

from connectors.markdown.extract import extract_document
from connectors.markdown.files import FoundFile, PathProblem, load_text
from connectors.markdown.parallel import extract_safely
from syncd.connector.model import ExtractedDocument
from syncd.connector.workers import freeze_on_document


def load_and_extract(job: tuple[FoundFile, int, str]) -> ExtractedDocument | PathProblem:
    """One document, in a worker: read, decode, extract."""
    found, max_bytes, source = job
    loaded = load_text(found, max_bytes)
    if isinstance(loaded, PathProblem):
        return loaded
    freeze_on_document(loaded.document)  # tests only: a document that never finishes
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
