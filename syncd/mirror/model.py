"""The mirror's data: what the source wants, what the tracker holds, and what syncd remembers.

Plain frozen values, in tracker terms and tracker-neutral: the Jira and GitHub connectors map
their issues to and from these, the planner compares them, the state store keeps the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# The fields syncd keeps in step, in the order they are compared, written and reported.
MIRRORED_FIELDS = ("summary", "description", "assignee", "due", "priority", "labels")

StatusCategory = Literal["new", "indeterminate", "done"]


@dataclass(frozen=True, slots=True)
class IssueFields:
    """The mirrored fields, in tracker terms."""

    summary: str
    # Plain text as syncd renders it; connectors convert to ADF / wiki markup / markdown and back.
    description: str
    # Tracker user id: Cloud accountId / Data Center username / GitHub login; None = unassigned.
    assignee: str | None
    due: date | None
    priority: str | None  # tracker priority name ("High"); None = not set / not mapped
    # The team's configured labels present on the issue (the marker label is separate).
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class IssueOrigin:
    """Where an issue came from, recorded in the tracker when syncd creates it.

    The tracker is the state store's backup: with the store lost, a marked issue whose marker
    matches no current item is matched to the items by these, as the store's own knowledge
    would be (``syncd.cycle.recovery``).
    """

    item_id: str
    source: str
    document: str
    title: str  # the action text the issue was created from
    postmortem_title: str
    postmortem_date: date | None
    team: str = ""  # "" when not recorded; teams may share a project and its labels


@dataclass(frozen=True, slots=True)
class DesiredIssue:
    """What the source wants for one item."""

    item_id: str
    marker: str  # "syncd-<item id>" (Jira label); the connector decides the tracker's form
    fields: IssueFields
    # False: the owner did not resolve to a tracker user, so syncd has no opinion on the
    # assignee: it never clears or overwrites it.
    assignee_known: bool
    done_in_source: bool
    referenced_key: str | None  # an existing issue the document names (PAY-123): adopt it
    create_if_missing: bool  # False for done items when policy.mirror_done_items is false
    origin: IssueOrigin | None = None  # recorded in the tracker with a create


@dataclass(frozen=True, slots=True)
class IssueReference:
    """Where an issue a document names lives, as the team's tracker sees it.

    ``key`` is the issue's key in the team's own project or repository, spelt as the tracker
    records it ("PAY-123", "acme/payments#45"); None when the issue is elsewhere, and
    ``elsewhere`` then says where, in words ("SEC-1 is in project SEC, not PAY"). Only an issue
    of the team's own project or repository is ever adopted.
    """

    written: str  # the reference as the document wrote it
    key: str | None
    url: str | None
    elsewhere: str | None = None


@dataclass(frozen=True, slots=True)
class IssueSnapshot:
    """What the tracker holds now, for an issue read this cycle."""

    key: str
    item_id: str | None  # from the marker, when present
    fields: IssueFields
    status_category: StatusCategory
    resolution: str | None  # "Done", "Won't Do", "Duplicate", "not_planned" (GitHub), ...
    closure_explained: bool  # a comment or resolution text explains a won't-do closure
    updated: datetime
    url: str | None
    # The name the tracker shows for ``fields.assignee`` (Jira's display name, a GitHub login):
    # what a person reads where the assignee is nobody syncd knows. Not a mirrored field.
    assignee_name: str | None = None
    # Every item whose marker the issue carries, as far as this read could see (Jira: its
    # labels; GitHub: its body, and its comments when the issue was read alone). More than
    # one means a marker was copied by hand, or one issue was claimed twice.
    markers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # ``item_id`` is one of ``markers`` whoever built the snapshot.
        if self.item_id is not None and self.item_id not in self.markers:
            object.__setattr__(self, "markers", self.markers | {self.item_id})

    origin: IssueOrigin | None = None  # as recorded at creation, when the tracker holds it


@dataclass(frozen=True, slots=True)
class MirrorRecord:
    """What syncd remembers per mirrored item, from the state store.

    ``base`` is the tracker side of the three-way comparison: each field's value in the tracker
    as syncd last knew it (written by syncd, accepted from a person, or seen in a conflict).
    Because reads are incremental, an issue that was not read this cycle is taken to still
    hold ``base``.

    ``source_base`` is the source side: each field's value in the source when it was last
    compared. It differs from ``base`` only where the two sides knowingly differ (a person's
    change was kept, an adopted issue's own values, a conflict); ``None`` means "equal to
    ``base``", the usual case. Without it, a person's change that was kept would be overwritten
    one cycle later, because the source would then look changed against the new base.

    ``conflicts`` are the fields changed on both sides to different values: syncd writes
    nothing to them and reports them every cycle until a person makes the two sides agree.
    """

    item_id: str
    key: str
    base: IssueFields
    tracker_done: bool  # the item is done because its issue is done
    resolution: str | None
    source_base: IssueFields | None = None
    conflicts: frozenset[str] = field(default_factory=frozenset)
    # A person's issue the document named (adopted), not one syncd wrote: its summary and
    # description are never written, and its other fields only filled while empty.
    adopted: bool = False

    @property
    def source_side(self) -> IssueFields:
        """The source's values as last compared (``base`` unless recorded apart)."""
        return self.base if self.source_base is None else self.source_base
