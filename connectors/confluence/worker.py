"""The job of a reading process (``syncd.workers``): one page's body converted and extracted.

The engine is imported with this module, when the worker starts and before it reports ready,
so a page's time budget never pays for it.
"""

from __future__ import annotations

import gc

from connectors.confluence.extract import PageMeta, extract_page
from syncd.connector.model import DocumentRejected, ExtractedDocument

Job = tuple[str, PageMeta, str]  # the body, what the listing says of the page, the source name


def extract_job(job: Job) -> ExtractedDocument | str:
    """The page's extraction, or why it was refused (a message naming no line)."""
    body, meta, source = job
    gc.disable()  # as the markdown worker: the parser's garbage holds no cycles worth the scans
    try:
        return read_page(body, meta, source)
    except MemoryError:
        return (
            "reading it needs more memory than a reading process may use; it was skipped "
            "(a page that large in memory is most likely malformed)"
        )
    finally:
        gc.enable()


def read_page(body: str, meta: PageMeta, source: str) -> ExtractedDocument | str:
    try:
        return extract_page(body, meta, source=source)
    except MemoryError:
        raise
    except DocumentRejected as exc:
        return str(exc)
    except Exception as exc:  # one page must not stop the source
        return (
            f"extraction failed ({type(exc).__name__}: {exc}); this is a bug in syncd, "
            "please report it together with the page"
        )
