"""Stopping without cutting a store transaction in half.

A team's sync writes through a :class:`DrainableStore`. When the service stops, the gate closes:
transactions already open finish, new ones are refused (the sync then ends with an error, which
is safe: an intent recorded before a tracker call stays open and the next cycle resolves it by
its marker). Once no transaction is open, the process may exit whatever the sync threads do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from syncd.store import StateStore
from syncd.store.database_url import DatabaseUrl
from syncd.store.records import SchemaStatus

_T = TypeVar("_T")


class ServiceStoppingError(RuntimeError):
    """The service is stopping: no new store transaction may begin."""


class TransactionGate:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._open = 0
        self._closed = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._changed:
            if self._closed:
                raise ServiceStoppingError("the service is stopping; this cycle is abandoned")
            self._open += 1
        try:
            yield
        finally:
            with self._changed:
                self._open -= 1
                self._changed.notify_all()

    def close(self, timeout: float) -> bool:
        """Refuse new transactions; True once none is open, False if ``timeout`` ran out."""
        with self._changed:
            self._closed = True
            return self._changed.wait_for(lambda: self._open == 0, timeout=timeout)


class DrainableStore(StateStore):
    """A state store whose writes pass through a :class:`TransactionGate`."""

    def __init__(
        self, db_url: DatabaseUrl, engine: Any, status: SchemaStatus, *, readonly: bool
    ) -> None:
        super().__init__(db_url, engine, status, readonly=readonly)
        self.gate = TransactionGate()

    def _unfenced_write(self, action: str, work: Callable[[Any], _T]) -> _T:
        # Every write, fenced or not, passes the gate (a fenced one adds its check inside).
        with self.gate.transaction():
            return super()._unfenced_write(action, work)

    @contextmanager
    def together(self, action: str) -> Iterator[Self]:
        # Writes made together are one transaction: the gate waits for all of them.
        with self.gate.transaction(), super().together(action) as view:
            yield view
