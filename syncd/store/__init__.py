"""The state store: what syncd remembers between cycles, in SQLite or PostgreSQL.

Open with ``StateStore.open(url)`` (``readonly=True`` for dry runs), then ``migrate()``.
Schema migrations live in ``migrations/versions`` and run only when asked.
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
    RunOutcome,
    RunRecord,
    SchemaStatus,
    StoredDocument,
    StoredItem,
)
from syncd.store.state_store import StateStore

__all__ = [
    "DocumentSeen",
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
]
