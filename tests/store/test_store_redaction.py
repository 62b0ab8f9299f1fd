"""Nothing the state store writes holds a secret: every value is masked on its way in."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, MetaData, select

from syncd.model import CoOwner, Owner
from syncd.output.redaction import MASK, redactor
from syncd.store import StateStore
from tests.store.conftest import ItemFactory

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _everything(engine: Engine) -> str:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        rows = [row for table in metadata.sorted_tables for row in conn.execute(select(table))]
    return "\n".join(repr(tuple(row)) for row in rows)


def test_errors_and_texts_are_stored_masked(
    store: StateStore, raw_engine: Engine, make_item: ItemFactory
) -> None:
    token = f"pat-{secrets.token_hex(8)}"
    pair = f"bot@example.com:{token}"
    basic = base64.b64encode(pair.encode()).decode()
    redactor.register_headers({"Authorization": f"Basic {basic}"})
    owner = Owner(written=f"Alice {token}", person="alice", co_owners=(CoOwner(token, None),))
    store.save_items(
        "payments", [make_item(title=f"Rotate {token}", owner=owner, detail=pair)], seen_at=AT
    )
    run = store.start_run("payments", at=AT)
    store.finish_run(
        run,
        at=AT,
        outcome="failed",
        counts={"created": 0},
        error=f"401 from Jira: {{'Authorization': 'Basic {basic}'}}",
    )

    stored = _everything(raw_engine)
    assert token not in stored and basic not in stored and pair not in stored
    assert stored.count(MASK) >= 4
    [item] = store.stored_items("payments")
    assert item.title == f"Rotate {MASK}"  # read back as it was written: masked
