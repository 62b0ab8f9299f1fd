"""A writer paused in the middle of a transaction (a stalled VM, SIGSTOP) cannot hold its row
locks, the team's lease among them, for longer than the server's idle-in-transaction timeout:
every other replica would wait on them for as long as it is paused."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from syncd.store import engine as store_engine
from syncd.store.database_url import parse_database_url

pytestmark = pytest.mark.postgres


def test_every_postgres_session_ends_a_transaction_left_idle(postgres_url: str) -> None:
    engine = store_engine.build_engine(parse_database_url(postgres_url), readonly=False)
    try:
        with engine.connect() as conn:
            shown = conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar_one()
        assert shown == f"{store_engine.POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S}s"
    finally:
        engine.dispose()


def test_a_paused_holder_of_a_row_lock_does_not_stall_the_next_writer(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_engine, "POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S", 1)
    url = parse_database_url(postgres_url)
    paused, other = (store_engine.build_engine(url, readonly=False) for _ in range(2))
    try:
        with paused.begin() as conn:
            conn.execute(text("CREATE TABLE lease_row (id int PRIMARY KEY, holder text)"))
            conn.execute(text("INSERT INTO lease_row VALUES (1, 'a')"))
        stalled = paused.connect()
        stalled.begin()
        stalled.execute(text("UPDATE lease_row SET holder = 'a' WHERE id = 1"))  # locks the row
        # ... and the holder stops there. The next writer gets the row once the server has
        # ended the paused session, not when (if ever) the holder resumes.
        started = time.monotonic()
        with other.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            conn.execute(text("UPDATE lease_row SET holder = 'b' WHERE id = 1"))
        assert time.monotonic() - started < 15
        with pytest.raises(DBAPIError):  # the paused holder finds its session ended
            stalled.execute(text("SELECT 1"))
        stalled.invalidate()
        with other.connect() as conn:
            assert conn.execute(text("SELECT holder FROM lease_row")).scalar_one() == "b"
    finally:
        paused.dispose()
        other.dispose()
