"""The state store: what syncd remembers between cycles, in SQLite or PostgreSQL.

Open with ``StateStore.open(url)`` (``readonly=True`` for dry runs), then ``migrate()``.
Schema migrations live in ``migrations/versions`` and run only when asked. Besides items,
documents and runs, it keeps the mirror's state: tracker links, sync bases, create intents
(exactly-once creation), tracker read cursors (incremental reads), digest posts (one
per team, schedule slot and channel), and leases (which replica works each team).
"""

from __future__ import annotations

from syncd.store.errors import (
    ReadOnlyStateStoreError,
    SchemaNotCurrentError,
    SchemaTooNewError,
    StateStoreError,
)
from syncd.store.records import (
    DigestPost,
    DigestPostStatus,
    DocumentSeen,
    Intent,
    Lease,
    NudgeRecord,
    RunOutcome,
    RunRecord,
    SchemaStatus,
    SourceRead,
    StoredDocument,
    StoredItem,
    TrackerCursor,
    TrackerLink,
)
from syncd.store.state_store import StateStore

__all__ = [
    "DigestPost",
    "DigestPostStatus",
    "DocumentSeen",
    "Intent",
    "Lease",
    "NudgeRecord",
    "ReadOnlyStateStoreError",
    "RunOutcome",
    "RunRecord",
    "SchemaNotCurrentError",
    "SchemaStatus",
    "SchemaTooNewError",
    "SourceRead",
    "StateStore",
    "StateStoreError",
    "StoredDocument",
    "StoredItem",
    "TrackerCursor",
    "TrackerLink",
]
