"""The data connectors exchange with the core: what a source reads, what a tracker holds.

Sources produce :class:`ExtractedDocument` (a :class:`Postmortem` and its :class:`RawItem`)
or a :class:`DocumentFailure`; trackers read and write issues in the mirror's tracker-neutral
terms (:class:`IssueFields`, :class:`IssueSnapshot`, :class:`CreateIssue`).
"""

from __future__ import annotations

from syncd.mirror.model import (
    IssueFields,
    IssueOrigin,
    IssueReference,
    IssueSnapshot,
    StatusCategory,
)
from syncd.mirror.operations import LABELS_TO_ADD, CreateIssue
from syncd.model import (
    DocumentFailure,
    DocumentProblem,
    DocumentRejected,
    ExtractedDocument,
    Postmortem,
    RawItem,
)
from syncd.resolve.people import Person

__all__ = [
    "LABELS_TO_ADD",
    "CreateIssue",
    "DocumentFailure",
    "DocumentProblem",
    "DocumentRejected",
    "ExtractedDocument",
    "IssueFields",
    "IssueOrigin",
    "IssueReference",
    "IssueSnapshot",
    "Person",
    "Postmortem",
    "RawItem",
    "StatusCategory",
]
