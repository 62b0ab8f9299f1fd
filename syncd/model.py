"""The domain model: plain, frozen data shared by every stage of a cycle.

Sources produce ``ExtractedDocument``s holding ``RawItem``s (text as written). The resolver turns
each raw item into an ``ActionItem`` (owner resolved, due date parsed, priority and type
normalised, flags set) and the matcher gives it its stable id. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    DONE = "done"


class DueOrigin(StrEnum):
    """Where an item's due date came from."""

    DOCUMENT = "document"  # written in the postmortem
    POLICY = "policy"  # the team policy's default (item had no date, or "TBD")


class Flag(StrEnum):
    UNOWNED = "unowned"
    UNDATED = "undated"
    VAGUE = "vague"
    AMBIGUOUS_DATE = "ambiguous_date"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    STALE = "stale"
    ORPHANED = "orphaned"
    CONFLICT = "conflict"
    ERROR = "error"


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class ItemType(StrEnum):
    """Action item types as the SRE book and common templates name them."""

    MITIGATE = "mitigate"
    PREVENT = "prevent"
    DETECT = "detect"
    REPAIR = "repair"
    PROCESS = "process"
    INVESTIGATE = "investigate"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Postmortem:
    """The document an item comes from, as the digest and the tracker description show it."""

    source: str  # the source's name, unique within a team
    document: str  # path relative to the source root, or the page URL
    title: str
    date: date | None
    date_origin: str | None  # "front_matter" | "filename" | "date_line" | "first_seen" | None
    severity: str | None = None
    incident: str | None = None
    service: str | None = None
    team: str | None = None
    url: str | None = None  # where a person can read it (web URL), when known


@dataclass(frozen=True, slots=True)
class RawItem:
    """An action item exactly as the document states it; nothing is interpreted yet."""

    title: str  # the action, plain text (markup, checkboxes and inline annotations removed)
    section: str  # the heading or bold label of the action section it sits under
    line: int  # 1-based line of the item in the document
    detail: str | None = None  # body of a "**Title**: body" bullet, sub-bullets, extra text
    owner_text: str | None = None  # owner as written: "@alice", "Alice Smith", "alice@acme.com"
    due_text: str | None = None  # due date as written: "2026-12-01", "Q1 2027", "TBD", "in 2 weeks"
    priority_text: str | None = None  # as written: "P1", "high", "sev2"
    type_text: str | None = None  # as written: "mitigate", "Prevent"
    status_text: str | None = None  # as written: "DONE", "in progress", "[x]"
    done: bool = False  # the document says the item is done
    tracker_refs: tuple[str, ...] = ()  # references as written: "PAY-123", "#45", URLs
    # A stable id the source itself gives the item (an incident.io follow-up's id, a Confluence
    # page's task id): when set, the item's identity follows it, not its title or document, so
    # a renamed item, or one moved to another document of the source, keeps its issue. Unique
    # within the source; None for text with no ids (markdown).
    native_id: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    """Something in a document that could not be read; the rest of the document still is."""

    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class ExtractionStep:
    """One decision of an extraction, so a user can see why an item was taken or a block not.

    ``taken``: an item was read at ``line`` (its title in ``what``) by ``rule`` in ``section``;
    otherwise a candidate block (``what``: "list", "table", "paragraph") was passed over, and
    ``rule`` says why.
    """

    line: int | None
    taken: bool
    what: str
    section: str
    rule: str


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    postmortem: Postmortem
    items: tuple[RawItem, ...]
    problems: tuple[DocumentProblem, ...] = ()
    # Why each item was taken and each candidate block skipped; sources that record no
    # decisions (structured APIs) leave it empty.
    explanations: tuple[ExtractionStep, ...] = ()


class DocumentRejected(Exception):
    """A document refused whole by a reader (its front matter or its shape over limits): the
    source reports it as a ``DocumentFailure`` with this message and reads the others."""


@dataclass(frozen=True, slots=True)
class DocumentFailure:
    """A document (or path) that was skipped as a whole: unreadable, binary, too large, a loop."""

    source: str
    document: str
    error: str


@dataclass(frozen=True, slots=True)
class CoOwner:
    """Another owner named beside the assignee ("carol, dave"): recorded and shown, not assigned."""

    written: str  # this owner as in the document
    person: str | None  # the key in the people map, when resolved


@dataclass(frozen=True, slots=True)
class Owner:
    written: str | None  # as in the document (all owners named), trailing punctuation dropped
    person: str | None  # the key in the people map, when resolved: the assignee
    via: str | None = None  # how it resolved: "key" | "alias" | "handle" | "email" | "lead"
    unresolved_reason: str | None = None
    co_owners: tuple[CoOwner, ...] = ()  # the other owners named, in the order written


@dataclass(frozen=True, slots=True)
class DueDate:
    date: date | None
    origin: DueOrigin | None
    written: str | None = None
    ambiguous: bool = False  # a numeric date the team's date_order does not settle


@dataclass(frozen=True, slots=True)
class TrackerRef:
    """An issue an item points at: found in its document, or the issue syncd mirrors it to."""

    system: str  # "jira" | "github"
    key: str  # "PAY-123", "acme/payments#45", or "#45" when the repository is implied
    url: str | None = None


@dataclass(frozen=True, slots=True)
class TrackerAssignee:
    """Who holds an item's issue in the tracker now, as syncd last read it.

    A person may reassign the issue there: this, not the document's owner, is who works on it.
    """

    user_id: str  # Jira accountId / Data Center username, GitHub login; "" when cleared
    name: str | None  # what the tracker shows for the user (display name, login), when read
    person: str | None  # the people-map key of that user, when the people map knows them

    @property
    def cleared(self) -> bool:
        """A person removed the assignee syncd had set: nobody holds the issue now."""
        return not self.user_id

    @property
    def shown(self) -> str:
        """How a person reading the digest or ``status`` knows them."""
        if self.cleared:
            return "nobody (unassigned in the tracker)"
        return self.person or self.name or self.user_id


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: str
    team: str
    postmortem: Postmortem
    title: str
    section: str
    line: int
    owner: Owner
    due: DueDate
    priority: Priority | None
    type: ItemType | None
    status: Status
    tracker_ref: TrackerRef | None
    flags: frozenset[Flag] = field(default_factory=frozenset)
    detail: str | None = None
    priority_written: str | None = None
    type_written: str | None = None

    @property
    def source(self) -> str:
        return self.postmortem.source

    @property
    def document(self) -> str:
        return self.postmortem.document


@dataclass(frozen=True, slots=True)
class KnownItem:
    """What the state store remembers of an item, enough to match a re-extracted one to it."""

    id: str
    source: str
    document: str
    title: str
    section: str
    line: int
    status: Status
    orphaned_at: datetime | None = None
    # The postmortem the item came from: what matches an item moved to another document.
    postmortem_title: str | None = None
    postmortem_date: date | None = None
    # Other wordings the item is known by (an issue's current summary, when identity is rebuilt
    # from the tracker): matched as its title is.
    aliases: tuple[str, ...] = ()
