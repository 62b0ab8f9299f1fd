"""Plain records the state store hands in and out; no database object ever leaves the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from syncd.model import (
    ActionItem,
    CoOwner,
    DueDate,
    DueOrigin,
    Flag,
    ItemType,
    KnownItem,
    Owner,
    Postmortem,
    Priority,
    Status,
    TrackerRef,
)


class RunOutcome(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # finished, but some item, document or source failed
    FAILED = "failed"  # the team's cycle stopped early


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    """Where the store's schema stands relative to this code's migrations."""

    current: str | None  # revision the store is at; None for a store never migrated
    head: str  # newest revision this code knows
    missing: bool = False  # read-only open of an SQLite file that does not exist

    @property
    def needs_migration(self) -> bool:
        return self.current != self.head


@dataclass(frozen=True, slots=True)
class DocumentSeen:
    """What a cycle learned about one document; ``last_error`` set when it could not be read.

    When ``last_error`` is set, the other fields may be None and the store keeps what it knew.
    """

    title: str | None = None
    postmortem_date: date | None = None
    content_hash: str | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One row of ``documents``: a postmortem document syncd has seen."""

    team: str
    source: str
    document: str
    first_seen: datetime
    last_seen: datetime
    title: str | None
    postmortem_date: date | None
    content_hash: str | None
    last_error: str | None  # why the latest read failed; None after a good read


@dataclass(frozen=True, slots=True)
class SourceRead:
    """What the store remembers of one source's reads, for the mass-removal guard."""

    team: str
    source: str
    documents: frozenset[str]  # those its last good read returned
    read_at: datetime  # when that read was
    held_cycles: int = 0  # consecutive reads since that held a loss; 0 when none
    held_since: datetime | None = None  # the first of them
    held_at: datetime | None = None  # the latest of them
    held_note: str | None = None  # what the latest reported, for status and the digest


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: int
    team: str
    started_at: datetime
    finished_at: datetime | None  # None while running, or when the run died unrecorded
    outcome: RunOutcome | None
    counts: Mapping[str, int]
    error: str | None


@dataclass(frozen=True, slots=True)
class StoredItem:
    """One row of ``items``: every column, typed. ``syncd status`` shows these."""

    id: str
    team: str
    source: str
    document: str
    postmortem_title: str
    postmortem_date: date | None
    postmortem_date_origin: str | None
    postmortem_severity: str | None
    postmortem_incident: str | None
    postmortem_service: str | None
    postmortem_team: str | None
    postmortem_url: str | None
    title: str
    detail: str | None
    section: str
    line: int
    owner_written: str | None
    assignee: str | None  # person key in the people map
    owner_via: str | None
    owner_unresolved_reason: str | None
    co_owners: tuple[CoOwner, ...]
    due: date | None
    due_origin: DueOrigin | None
    due_written: str | None
    ambiguous_date: bool
    priority: Priority | None
    priority_written: str | None
    type: ItemType | None
    type_written: str | None
    status: Status
    tracker_system: str | None
    tracker_key: str | None
    tracker_url: str | None
    flags: frozenset[Flag]
    first_seen: datetime
    last_seen: datetime
    orphaned_at: datetime | None
    updated_at: datetime

    @property
    def tracker_ref(self) -> TrackerRef | None:
        if self.tracker_system is None or self.tracker_key is None:
            return None
        return TrackerRef(system=self.tracker_system, key=self.tracker_key, url=self.tracker_url)

    def to_action_item(self) -> ActionItem:
        """The item as it was last saved. Flags are as saved: orphaning is ``orphaned_at``."""
        return ActionItem(
            id=self.id,
            team=self.team,
            postmortem=Postmortem(
                source=self.source,
                document=self.document,
                title=self.postmortem_title,
                date=self.postmortem_date,
                date_origin=self.postmortem_date_origin,
                severity=self.postmortem_severity,
                incident=self.postmortem_incident,
                service=self.postmortem_service,
                team=self.postmortem_team,
                url=self.postmortem_url,
            ),
            title=self.title,
            section=self.section,
            line=self.line,
            owner=Owner(
                written=self.owner_written,
                person=self.assignee,
                via=self.owner_via,
                unresolved_reason=self.owner_unresolved_reason,
                co_owners=self.co_owners,
            ),
            due=DueDate(
                date=self.due,
                origin=self.due_origin,
                written=self.due_written,
                ambiguous=self.ambiguous_date,
            ),
            priority=self.priority,
            type=self.type,
            status=self.status,
            tracker_ref=self.tracker_ref,
            flags=self.flags,
            detail=self.detail,
            priority_written=self.priority_written,
            type_written=self.type_written,
        )

    def to_known_item(self) -> KnownItem:
        return KnownItem(
            id=self.id,
            source=self.source,
            document=self.document,
            title=self.title,
            section=self.section,
            line=self.line,
            status=self.status,
            orphaned_at=self.orphaned_at,
            postmortem_title=self.postmortem_title,
            postmortem_date=self.postmortem_date,
        )


# -- mirroring -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackerLink:
    """One row of ``tracker_links``: the tracker issue an item is mirrored to.

    ``last_reported`` is whatever the caller last reported about the item (a JSON-able mapping:
    conflicts, a status mismatch, orphaning), so that a report is made once per change. JSON
    comes back as JSON does: tuples as lists, keys as strings.
    """

    item_id: str
    team: str
    system: str  # "jira" | "github"
    key: str  # "PAY-123", "acme/pay#45"
    url: str | None
    adopted: bool  # an existing issue linked by reference or marker, not created by syncd
    created_at: datetime  # kept from the first save
    updated_at: datetime
    tracker_done: bool = False  # the item is done because its issue is done
    resolution: str | None = None
    won_t_do_explained: bool | None = None  # None unless closed as "won't do"
    last_reported: Mapping[str, Any] | None = None
    # The last change to the issue by anyone but syncd: staleness counts from it.
    last_activity: datetime | None = None
    # Who holds the issue in the tracker, as syncd last read it: the tracker's user id and the
    # name it shows for that user (None when unknown, e.g. created by syncd and not read since).
    assignee: str | None = None
    assignee_name: str | None = None


@dataclass(frozen=True, slots=True)
class Intent:
    """An open intent: a create request for the item may have been sent, its key is unknown.

    Found on restart, it is resolved by searching the tracker for ``marker`` before anything
    is created again: completed with the issue found, or dropped when there is none.
    """

    item_id: str
    team: str
    marker: str  # e.g. the Jira label "syncd-<item id>"
    system: str
    started_at: datetime
    claimed_by: str | None  # the replica that recorded it, when known
    epoch: int | None = None  # the epoch of the lease it was recorded under, when fenced


@dataclass(frozen=True, slots=True)
class TrackerCursor:
    """Where incremental reads of one team's tracker stand."""

    team: str
    system: str
    # The newest ``updated`` value read; the next read asks for issues updated since this,
    # minus a safety margin.
    last_updated_seen: datetime
    etag: str | None = None  # for conditional requests (GitHub answers 304)
    last_full_scan_at: datetime | None = None


# -- digest posts ----------------------------------------------------------------------------


class DigestPostStatus(StrEnum):
    CLAIMED = "claimed"  # a replica is posting it (or died doing so: see ``lease_until``)
    POSTED = "posted"  # done; never posted again
    FAILED = "failed"  # the last attempt failed; a later claim retries it


@dataclass(frozen=True, slots=True)
class DigestPost:
    """One row of ``digest_posts``: a team's digest for one schedule slot and one channel."""

    team: str
    slot: datetime  # the schedule slot, in UTC
    channel: str  # a stable channel key, e.g. "slack:0"
    status: DigestPostStatus
    claimed_by: str | None  # the replica that took the latest claim
    claimed_at: datetime  # when the latest claim was taken
    # While claimed: a claim not posted by then may be taken over. Once posted or failed: when
    # the claim was released.
    lease_until: datetime
    posted_at: datetime | None
    attempts: int  # claims taken so far, i.e. posts attempted
    last_error: str | None  # why the latest attempt failed; None after a post


@dataclass(frozen=True, slots=True)
class Lease:
    """One row of ``leases``: who works ``name`` (e.g. ``team:payments``), until when."""

    name: str
    holder: str  # the replica holding it
    acquired_at: datetime  # when this holder took it (renewals keep it)
    expires_at: datetime  # after this, any replica may take it
    epoch: int = 1  # the fencing token: grows on every takeover (0007)
    holder_command: str | None = None  # "run", "sync" or "digest"
    released_at: datetime | None = None  # given back; anyone may take it

    def held_by(self, holder: str, at: datetime) -> bool:
        return self.holder == holder and self.expires_at > at and self.released_at is None


@dataclass(frozen=True, slots=True)
class NudgeRecord:
    """One row of ``nudges``: a comment syncd claimed to post on an item's issue."""

    team: str
    item_id: str
    reason: str  # "overdue" | "due_soon" | "stale"
    day: date  # the team's day it was claimed on
    issue_key: str
    status: str  # "claimed" | "sent" | "failed" | "unknown" | "refused"
    claimed_at: datetime
    finished_at: datetime | None
    error: str | None

    @property
    def counted(self) -> bool:
        """Posted, maybe posted, or refused for good: the next nudge of the issue waits out
        the period."""
        return self.status != "failed"

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> NudgeRecord:
        return cls(**{f.name: row[f.name] for f in fields(cls)})
