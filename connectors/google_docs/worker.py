"""The job of a reading process: one exported document unescaped and extracted.

The markdown extraction (this package's one import of another connector) is imported with this
module, when the worker starts and before it reports ready, so a document's time budget never
pays for it.
"""

from __future__ import annotations

import gc

from connectors.google_docs.chips import chips_as_owner
from connectors.google_docs.unescape import unescape_export
from connectors.markdown.extract import extract_document
from syncd.connector.model import DocumentRejected, ExtractedDocument


def extract_export(job: tuple[str, str, str]) -> ExtractedDocument | str:
    """``(text, name, source)``: the extraction, or why the document was refused whole.

    ``name`` is the document's name in Drive, given to the extraction as its file name (a
    date in it, "2026-11-20 Checkout outage", is the postmortem's date).
    """
    text, name, source = job
    # The parser keeps every token to the end of a document; cyclic collection would rescan
    # that growing heap for cycles it does not make (see connectors.markdown.worker).
    gc.disable()
    try:
        return extract_document(chips_as_owner(unescape_export(text)), source=source, document=name)
    except DocumentRejected as exc:  # over the extraction's limits: refused whole, on purpose
        return str(exc)
    except MemoryError:
        return (
            "reading it needs more memory than a reading process may use; it was skipped "
            "(a document that large in memory is most likely malformed)"
        )
    except Exception as exc:  # the engine promises not to raise; one document must not stop all
        return f"extraction failed ({type(exc).__name__}); this is a bug in syncd, please report it"
    finally:
        gc.enable()
