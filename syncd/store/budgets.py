"""Statements for account budgets: read one, or change one atomically.

Each function runs inside a transaction its caller (``StateStore``) opened; none commits.

A change reads the account's row with ``SELECT ... FOR UPDATE`` on PostgreSQL, after making
sure the row exists, so two replicas deciding on the same account take turns; on SQLite the
write transaction (``BEGIN IMMEDIATE``) serializes them outright. The rules themselves are the
pure functions of ``syncd.http.budget``; this module only keeps their state.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, RowMapping, select, update

from syncd.http.budget import BudgetState
from syncd.store.statements import insert_for
from syncd.store.tables import account_budgets

_T = TypeVar("_T")


def check_account(account: str) -> None:
    if not account:
        raise ValueError("an empty account name was given")


def read(conn: Connection, account: str) -> BudgetState:
    row = (
        conn.execute(select(account_budgets).where(account_budgets.c.account == account))
        .mappings()
        .first()
    )
    return BudgetState() if row is None else _state(row)


def change(
    conn: Connection, account: str, decide: Callable[[BudgetState], tuple[BudgetState, _T]]
) -> _T:
    """Apply ``decide`` to the account's state and keep what it returns; answer its result."""
    conn.execute(
        insert_for(conn.dialect.name)(account_budgets)
        .values(**_values(BudgetState()), account=account)
        .on_conflict_do_nothing(index_elements=[account_budgets.c.account])
    )
    row = (
        conn.execute(
            select(account_budgets).where(account_budgets.c.account == account).with_for_update()
        )
        .mappings()
        .one()
    )
    state = _state(row)
    new, result = decide(state)
    if new != state:
        conn.execute(
            update(account_budgets)
            .where(account_budgets.c.account == account)
            .values(**_values(new))
        )
    return result


def _state(row: RowMapping) -> BudgetState:
    return BudgetState(
        creates=tuple(float(t) for t in json.loads(row["creates"] or "[]")),
        last_write_end=row["last_write_end"],
        writer=row["writer"],
        writer_until=float(row["writer_until"]),
        held_until=float(row["held_until"]),
        hold_reason=row["hold_reason"],
    )


def _values(state: BudgetState) -> dict[str, object]:
    return {
        "creates": json.dumps(list(state.creates)),
        "last_write_end": state.last_write_end,
        "writer": state.writer,
        "writer_until": state.writer_until,
        "held_until": state.held_until,
        "hold_reason": state.hold_reason,
    }
