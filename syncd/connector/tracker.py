"""The tracker role: a connector that mirrors items into issues (Jira, GitHub, ...).

Besides the protocol (and the optional ones a tracker may also follow), the types it reads and
writes in the mirror's tracker-neutral terms (:class:`IssueFields`, :class:`IssueSnapshot`,
:class:`CreateIssue`; :class:`Person` for assignees), and the helpers every
tracker writes its issues with: the origin line or JSON that records where syncd created an
issue from, how to tell syncd's own text in an issue, and the "won't do" statuses.
"""

from __future__ import annotations

from syncd.mirror.model import (
    IssueFields,
    IssueOrigin,
    IssueReference,
    IssueSnapshot,
    StatusCategory,
)
from syncd.mirror.operations import KEEP, LABELS_TO_ADD, CreateIssue, FieldChanges
from syncd.mirror.origin import (
    ORIGIN_LINE,
    origin_json,
    origin_line,
    origin_of_json,
    origin_of_line,
)
from syncd.mirror.render import is_syncd_text
from syncd.mirror.status import is_won_t_do
from syncd.resolve.people import Person
from syncd.tracker import (
    AssigneeLookup,
    ChangedIssues,
    CheckableTracker,
    ConditionalReads,
    CreateResult,
    KnowsOwnAccount,
    NamesIssueKeys,
    PostsNudges,
    RecordsOrigins,
    ScopesReferences,
    Tracker,
    TrackerContext,
    TrackerProblem,
)

__all__ = [
    "KEEP",
    "LABELS_TO_ADD",
    "ORIGIN_LINE",
    "AssigneeLookup",
    "ChangedIssues",
    "CheckableTracker",
    "ConditionalReads",
    "CreateIssue",
    "CreateResult",
    "FieldChanges",
    "IssueFields",
    "IssueOrigin",
    "IssueReference",
    "IssueSnapshot",
    "KnowsOwnAccount",
    "NamesIssueKeys",
    "Person",
    "PostsNudges",
    "RecordsOrigins",
    "ScopesReferences",
    "StatusCategory",
    "Tracker",
    "TrackerContext",
    "TrackerProblem",
    "is_syncd_text",
    "is_won_t_do",
    "origin_json",
    "origin_line",
    "origin_of_json",
    "origin_of_line",
]
