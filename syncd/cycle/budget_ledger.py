"""The account budgets of ``syncd.http.budget``, kept in the state store.

So that they hold across processes (each ``syncd sync``), teams (each cycle of ``syncd run``),
restarts and replicas on PostgreSQL. A read only looks at the account's row (a pause the server
asked for); a write the budget counts changes it in one short transaction.
"""

from __future__ import annotations

import dataclasses

from syncd.http.budget import (
    AccountLimits,
    BudgetState,
    Refusal,
    held,
    refusal,
    taken,
    write_ended,
    writer_is_gone,
)
from syncd.store.roles import BudgetStore


class StoreLedger:
    """A ``BudgetLedger`` over a writable store (its budgets role)."""

    def __init__(self, store: BudgetStore) -> None:
        self._store = store

    def take(
        self,
        account: str,
        limits: AccountLimits,
        now: float,
        *,
        holder: str,
        write: bool,
        creates: bool,
    ) -> Refusal | None:
        if not (write and limits.tracks_writes):
            current = self._store.budget(account)
            return refusal(current, limits, now, holder=holder, write=write, creates=creates)

        def decide(state: BudgetState) -> tuple[BudgetState, Refusal | None]:
            if writer_is_gone(state):
                state = dataclasses.replace(state, writer=None, writer_until=0.0)
            refused = refusal(state, limits, now, holder=holder, write=True, creates=creates)
            if refused is not None:
                return state, refused
            return taken(state, limits, now, holder=holder, write=True, creates=creates), None

        return self._store.change_budget(account, decide)

    def end_write(self, account: str, now: float, *, holder: str) -> None:
        self._store.change_budget(
            account, lambda state: (write_ended(state, now, holder=holder), None)
        )

    def hold(self, account: str, until: float, reason: str) -> None:
        self._store.change_budget(account, lambda state: (held(state, until, reason), None))

    def state(self, account: str) -> BudgetState:
        return self._store.budget(account)
