"""What a source produces: each document's :class:`ExtractedDocument` (a :class:`Postmortem`
and its :class:`RawItem`, with any :class:`DocumentProblem`), or a :class:`DocumentFailure`.

Kept to ``syncd.model`` alone: a source's reading processes import it, and should not pay for
the mirror's modules (the issue types are in ``syncd.connector.tracker``).
"""

from __future__ import annotations

from syncd.model import (
    DocumentFailure,
    DocumentProblem,
    DocumentRejected,
    ExtractedDocument,
    ExtractionStep,
    Postmortem,
    RawItem,
)

__all__ = [
    "DocumentFailure",
    "DocumentProblem",
    "DocumentRejected",
    "ExtractedDocument",
    "ExtractionStep",
    "Postmortem",
    "RawItem",
]
