"""The digest as data: what a team is told, in the contract's order, before any channel's markup.

Every text in here that came from a document or a tracker (titles, owners as written, error
messages) is untrusted and unescaped: each rendering escapes it for its own markup. Day counts
are calendar days in the team's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from syncd.model import DueOrigin


@dataclass(frozen=True, slots=True)
class PostmortemRef:
    source: str
    document: str
    title: str  # untrusted
    date: date | None
    url: str | None  # untrusted until a rendering checks it


@dataclass(frozen=True, slots=True)
class OwnerRef:
    """Who holds an item: its owner as written, the person it resolved to, and that person's
    chat ids; or, when a person reassigned the issue in the tracker, the tracker's assignee.

    ``chat_ids`` holds only this person's ids (channel type, id), from the people map, so a
    rendering can mention the holder beside their own item and nowhere else. The document's
    other owners (``co_owners``) and, for a reassigned issue, the document's owner are shown
    by name, never mentioned.
    """

    written: str | None  # untrusted: the owner as written, or the tracker's name for its user
    person: str | None  # people-map key
    chat_ids: tuple[tuple[str, str], ...] = ()
    co_owners: tuple[str, ...] = ()  # untrusted: the document's other owners, by name
    reassigned: bool = False  # the tracker's assignee differs from the document's owner
    document_owner: str | None = None  # untrusted: the owners as written, when reassigned

    def chat_id(self, channel: str) -> str | None:
        return next((value for kind, value in self.chat_ids if kind == channel), None)


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """One item as a digest section shows it; the fields a section does not use are None."""

    item_id: str
    title: str  # untrusted
    postmortem: PostmortemRef
    owner: OwnerRef | None  # None: nobody written
    issue_key: str | None
    link: str | None  # the issue's URL; untrusted until a rendering checks it
    due: date | None = None
    due_origin: DueOrigin | None = None
    overdue_days: int | None = None
    days_to_due: int | None = None
    idle_days: int | None = None  # set when the item has had no activity past the threshold
    done_at: datetime | None = None
    reasons: tuple[str, ...] = ()  # "needs attention": why, in words; may quote untrusted text


@dataclass(frozen=True, slots=True)
class OverdueGroup:
    postmortem: PostmortemRef
    entries: tuple[DigestEntry, ...]


@dataclass(frozen=True, slots=True)
class ReviewDue:
    postmortem: PostmortemRef
    review_date: date
    done: int
    total: int
    all_open: bool  # flagged: not one item done at review time


@dataclass(frozen=True, slots=True)
class RecurringService:
    """A new postmortem on a service whose earlier postmortems still have open items."""

    postmortem: PostmortemRef  # the new one
    service: str  # untrusted: as the new postmortem writes it
    earlier: tuple[PostmortemRef, ...]
    open_items: int  # the earlier postmortems' open items


@dataclass(frozen=True, slots=True)
class Counts:
    """The headline. Each item is listed in one of overdue / due soon / stale at most, and these
    counts are the lengths of those lists, so headline and sections always agree."""

    open: int
    overdue: int
    due_soon: int
    stale: int
    done_since: int


@dataclass(frozen=True, slots=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def percent(self) -> int | None:
        if self.denominator == 0:
            return None
        return round(100 * self.numerator / self.denominator)


@dataclass(frozen=True, slots=True)
class Rates:
    completion: Ratio  # done items / items (orphaned ones not counted)
    on_time: Ratio  # done by their due date / done with a due date (no unexplained won't do)
    median_open_age_days: float | None  # since the postmortem's date (else first seen)


@dataclass(frozen=True, slots=True)
class Digest:
    team: str
    generated_at: datetime
    timezone: str
    since: datetime  # start of the "done since" window
    since_last_digest: bool  # False: there was no earlier digest, ``since`` is a week back
    due_soon_days: int
    stale_after_days: int
    link_base: str | None  # where the whole list can be seen ("and N more")
    counts: Counts
    done_since: tuple[DigestEntry, ...]
    overdue: tuple[OverdueGroup, ...]
    due_soon: tuple[DigestEntry, ...]
    stale: tuple[DigestEntry, ...]
    attention: tuple[DigestEntry, ...]
    reviews: tuple[ReviewDue, ...]
    rates: Rates
    # Sources whose mass removal the guard holds (``syncd.cycle.removal_guard``): listed first under
    # "needs attention", whatever the items; trusted text about the team's own configuration.
    source_warnings: tuple[str, ...] = ()
    # New postmortems (first seen since ``since``) on services with earlier open items.
    recurring: tuple[RecurringService, ...] = ()

    @property
    def today(self) -> date:
        return self.generated_at.astimezone(ZoneInfo(self.timezone)).date()

    @property
    def quiet(self) -> bool:
        """Nothing to tell: the digest is one line."""
        return not (
            self.done_since
            or self.overdue
            or self.due_soon
            or self.stale
            or self.attention
            or self.reviews
            or self.source_warnings
            or self.recurring
        )

    @property
    def overdue_count(self) -> int:
        return sum(len(group.entries) for group in self.overdue)
