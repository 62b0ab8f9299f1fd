"""The state store: what syncd remembers between cycles, in SQLite or PostgreSQL.

Open with ``StateStore.open(url)`` (``readonly=True`` for dry runs), then ``migrate()``.
Schema migrations live in ``migrations/versions`` and run only when asked. Besides items,
documents and runs, it keeps the mirror's state: tracker links, sync bases, create intents
(exactly-once creation) and tracker read cursors (incremental reads).
"""

from __future__ import annotations

from syncd.store.errors import (
    ReadOnlyStateStoreError,
    SchemaNotCurrentError,
    SchemaTooNewError,
    StateStoreError,
)
from syncd.store.records import (
    DocumentSeen,
    Intent,
    RunOutcome,
    RunRecord,
    SchemaStatus,
    StoredDocument,
    StoredItem,
    TrackerCursor,
    TrackerLink,
)
from syncd.store.state_store import StateStore

__all__ = [
    "DocumentSeen",
    "Intent",
    "ReadOnlyStateStoreError",
    "RunOutcome",
    "RunRecord",
    "SchemaNotCurrentError",
    "SchemaStatus",
    "SchemaTooNewError",
    "StateStore",
    "StateStoreError",
    "StoredDocument",
    "StoredItem",
    "TrackerCursor",
    "TrackerLink",
]
