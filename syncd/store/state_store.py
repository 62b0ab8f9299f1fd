"""The state store: what syncd remembers between cycles, in SQLite or PostgreSQL.

Everything in and out is plain data (``syncd.model`` types and the records in
``syncd.store.records``). Each public method is one transaction.

A thin facade: each role (``syncd.store.roles``) is kept by its own class over one shared
core (``syncd.store.store_core``), and :class:`StateStore` is all of them at once, so one
open store serves every role. Code that needs one role should ask for its protocol.
"""

from __future__ import annotations

from syncd.store.digest_post_records import DigestPostRecords
from syncd.store.intent_ledger import IntentLedger
from syncd.store.item_records import ItemRecords
from syncd.store.lease_records import BudgetRecords, LeaseRecords
from syncd.store.mirror_state_records import MirrorStateRecords
from syncd.store.nudge_records import NudgeRecords
from syncd.store.run_records import RunRecords
from syncd.store.snapshot_records import SnapshotRecords
from syncd.store.sync_request_records import SyncRequestRecords
from syncd.store.write_back_records import WriteBackRecords


class StateStore(
    ItemRecords,
    RunRecords,
    MirrorStateRecords,
    IntentLedger,
    DigestPostRecords,
    NudgeRecords,
    SnapshotRecords,
    LeaseRecords,
    BudgetRecords,
    SyncRequestRecords,
    WriteBackRecords,
):
    """One interface over SQLite and PostgreSQL. Open with :meth:`open`, then :meth:`migrate`.

    Every role's methods, on one connection pool; :meth:`fenced` fences them all.
    """
