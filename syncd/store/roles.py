"""The state store's roles: what each part of syncd may ask of it, and nothing more.

:class:`syncd.store.StateStore` provides every role; code that needs one names its protocol,
so what it reads and writes is visible from its signature.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, Self, TypeVar

from syncd.fencing import Fence
from syncd.http.budget import BudgetState
from syncd.judge.snapshots import DailySnapshot
from syncd.model import ActionItem, KnownItem
from syncd.store.records import (
    DigestPost,
    DocumentSeen,
    Intent,
    Lease,
    NudgeRecord,
    RunRecord,
    SourceRead,
    StoredDocument,
    StoredItem,
    TrackerCursor,
    TrackerLink,
)
from syncd.webhooks.debounce import PendingTeam

_T = TypeVar("_T")


class ItemStore(Protocol):
    """Items, the documents they came from, and each source's last reads (the removal guard)."""

    def known_items(self, team: str) -> list[KnownItem]: ...
    def save_items(self, team: str, items_: Sequence[ActionItem], *, seen_at: datetime) -> None: ...
    def mark_orphaned(self, team: str, ids: Iterable[str], *, at: datetime) -> None: ...
    def stored_items(self, team: str | None = None) -> list[StoredItem]: ...
    def record_documents(
        self, team: str, source: str, seen: Mapping[str, DocumentSeen], *, at: datetime
    ) -> None: ...
    def document_first_seen(self, team: str, source: str) -> dict[str, datetime]: ...
    def stored_documents(self, team: str | None = None) -> list[StoredDocument]: ...
    def source_reads(self, team: str) -> dict[str, SourceRead]: ...
    def record_good_read(
        self, team: str, source: str, returned: Collection[str], *, at: datetime
    ) -> None: ...
    def record_held_read(
        self, team: str, source: str, *, cycles: int, since: datetime, note: str, at: datetime
    ) -> None: ...


class RunLog(Protocol):
    """One record per sync cycle."""

    def start_run(self, team: str, *, at: datetime) -> int: ...
    def finish_run(
        self,
        run_id: int,
        *,
        at: datetime,
        outcome: str,
        counts: Mapping[str, int],
        error: str | None = None,
    ) -> None: ...
    def last_run(self, team: str) -> RunRecord | None: ...


class MirrorState(Protocol):
    """Tracker links, sync bases and read cursors: the mirror's bookkeeping."""

    def links(self, team: str) -> dict[str, TrackerLink]: ...
    def save_links(self, team: str, links: Sequence[TrackerLink]) -> None: ...
    def link_for_key(self, team: str, system: str, key: str) -> TrackerLink | None: ...
    def links_for_key(self, team: str, system: str, key: str) -> list[TrackerLink]: ...
    def forget_link(self, team: str, item_id: str, key: str) -> bool: ...
    def bases(self, team: str) -> dict[str, Mapping[str, Any]]: ...
    def save_bases(
        self, team: str, bases: Mapping[str, Mapping[str, Any]], *, at: datetime
    ) -> None: ...
    def cursor(self, team: str, system: str) -> TrackerCursor | None: ...
    def save_cursor(self, cursor: TrackerCursor) -> None: ...
    def record_mirror_state(
        self,
        team: str,
        *,
        links: Sequence[TrackerLink],
        bases: Mapping[str, Mapping[str, Any]],
        cursor: TrackerCursor | None,
        at: datetime,
    ) -> None: ...


class IntentStore(Protocol):
    """The exactly-once protocol's ledger: an intent before each create, its link after."""

    @property
    def fence(self) -> Fence | None: ...
    def begin_intents(
        self,
        team: str,
        intents: Sequence[tuple[str, str]],
        *,
        system: str,
        at: datetime,
        replica: str | None = None,
    ) -> frozenset[str]: ...
    def complete_intent(self, team: str, item_id: str, link: TrackerLink) -> None: ...
    def open_intents(self, team: str) -> list[Intent]: ...
    def drop_intent(self, team: str, item_id: str) -> bool: ...
    def claim_intents(self, team: str, item_ids: Sequence[str]) -> frozenset[str]: ...


class MirrorStore(MirrorState, IntentStore, Protocol):
    """What a mirror cycle needs: its bookkeeping and the intent ledger."""


class DigestPostStore(Protocol):
    """One digest post per team, slot and channel, claimed across replicas."""

    def claim_digest_post(
        self,
        team: str,
        slot: datetime,
        channel: str,
        *,
        replica: str,
        at: datetime,
        lease: timedelta,
    ) -> bool: ...
    def mark_digest_posted(
        self, team: str, slot: datetime, channel: str, *, at: datetime
    ) -> bool: ...
    def mark_digest_failed(
        self, team: str, slot: datetime, channel: str, *, at: datetime, error: str
    ) -> bool: ...
    def digest_posts(self, team: str) -> list[DigestPost]: ...
    def last_posted_slot(self, team: str, channel: str) -> datetime | None: ...


class NudgeStore(Protocol):
    """At most one nudge per item and reason within a period, claimed across replicas."""

    def claim_nudge(
        self,
        team: str,
        item_id: str,
        reason: str,
        *,
        day: date,
        not_since: date,
        issue_key: str,
        at: datetime,
    ) -> bool: ...
    def finish_nudge(
        self,
        team: str,
        item_id: str,
        reason: str,
        *,
        day: date,
        outcome: str,
        at: datetime,
        error: str | None = None,
    ) -> bool: ...
    def nudges(self, team: str) -> list[NudgeRecord]: ...


class SnapshotStore(Protocol):
    """Each team's figures once a day (the status page's charts)."""

    def add_snapshot(self, snapshot: DailySnapshot) -> bool: ...
    def snapshots(self, team: str, *, since: date) -> list[DailySnapshot]: ...


class LeaseStore(Protocol):
    """Leases and their fencing tokens: which replica works each team."""

    def acquire_lease(
        self, name: str, *, holder: str, at: datetime, duration: timedelta
    ) -> bool: ...
    def take_lease(
        self,
        name: str,
        *,
        holder: str,
        at: datetime,
        duration: timedelta,
        command: str | None = None,
    ) -> int | None: ...
    def confirm_lease(self, fence: Fence, *, at: datetime, duration: timedelta) -> None: ...
    def release_lease(self, name: str, *, holder: str, at: datetime | None = None) -> bool: ...
    def leases(self) -> list[Lease]: ...
    def lease(self, name: str) -> Lease | None: ...
    def fenced(self, fence: Fence) -> Self: ...


class BudgetStore(Protocol):
    """Tracker accounts' rate-limit budgets, shared by every replica."""

    def budget(self, account: str) -> BudgetState: ...
    def change_budget(
        self, account: str, decide: Callable[[BudgetState], tuple[BudgetState, _T]]
    ) -> _T: ...


class SyncRequestStore(Protocol):
    """Webhooks' requests for a team's sync: recorded by any replica, settled by the holder."""

    def request_sync(
        self,
        delivery_id: str,
        team: str,
        *,
        endpoint: str,
        at: datetime,
        admit: Callable[[int, int], str],
    ) -> str: ...
    def pending_sync_requests(self) -> list[PendingTeam]: ...
    def settle_sync_requests(
        self, team: str, *, received_by: datetime, at: datetime
    ) -> list[datetime]: ...
    def prune_sync_requests(self, *, done_before: datetime, received_before: datetime) -> int: ...
