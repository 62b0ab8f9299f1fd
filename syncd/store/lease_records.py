"""The leases role (which replica works each team, with its fencing token) and the tracker
accounts' shared rate-limit budgets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from syncd.fencing import Fence
from syncd.http.budget import BudgetState
from syncd.store import budgets as budget_state
from syncd.store import leases as lease_state
from syncd.store.records import Lease
from syncd.store.statements import require_aware
from syncd.store.store_core import StoreCore

_T = TypeVar("_T")


class LeaseRecords(StoreCore):
    """Leases taken, renewed, confirmed and given back; never fenced themselves."""

    # -- leases ----------------------------------------------------------------------------

    def acquire_lease(self, name: str, *, holder: str, at: datetime, duration: timedelta) -> bool:
        """Take or renew the lease ``name`` for ``holder`` until ``at + duration``; True if held.

        Atomic across replicas: a lease that is free, released, expired at ``at``, or already
        ``holder``'s is (re)taken; one held by another replica and not expired is not.
        Replicas compare their own clocks with the stored expiry, so keep them in NTP sync
        and the lease long against any skew.
        """
        return self.take_lease(name, holder=holder, at=at, duration=duration) is not None

    def take_lease(
        self,
        name: str,
        *,
        holder: str,
        at: datetime,
        duration: timedelta,
        command: str | None = None,
    ) -> int | None:
        """As :meth:`acquire_lease`, returning the lease's epoch (its fencing token) when held:
        the same on a renewal, one more on every takeover. ``command`` (``run``, ``sync``,
        ``digest``) is recorded for whoever finds the lease taken."""
        self._refuse_if_readonly()
        require_aware(at)
        lease_state.check_lease(name, holder, duration)
        return self._unfenced_write(
            "acquire a lease",
            lambda conn: lease_state.acquire(
                conn, name, holder=holder, at=at, expires_at=at + duration, command=command
            ),
        )

    def confirm_lease(self, fence: Fence, *, at: datetime, duration: timedelta) -> None:
        """Renew ``fence``'s lease until ``at + duration`` if it is still at its epoch; else
        raise :class:`LeaseLostError`. Asked before every tracker write of a fenced cycle."""
        self._refuse_if_readonly()
        require_aware(at)
        lease_state.check_lease(fence.name, fence.holder, duration)
        self._unfenced_write(
            "confirm a lease",
            lambda conn: lease_state.confirm(conn, fence, expires_at=at + duration),
        )

    def release_lease(self, name: str, *, holder: str, at: datetime | None = None) -> bool:
        """Give the lease ``name`` back, so another replica need not wait for it to expire.

        False, changing nothing, when ``holder`` does not hold it (any more). The row stays,
        marked released, so that the lease's epoch never goes back.
        """
        self._refuse_if_readonly()
        lease_state.check_lease(name, holder, timedelta(seconds=1))
        when = at or datetime.now(UTC)
        require_aware(when)
        return self._unfenced_write(
            "release a lease",
            lambda conn: lease_state.release(conn, name, holder=holder, at=when),
        )

    def leases(self) -> list[Lease]:
        """Every lease not given back, expired ones included, by name."""
        return self._read("read leases", lease_state.all_leases) or []

    def lease(self, name: str) -> Lease | None:
        """The lease ``name`` as stored, released or not; None when never taken."""
        return self._read("read a lease", lambda conn: lease_state.one_lease(conn, name))


class BudgetRecords(StoreCore):
    """Each tracker account's rate-limit budget, shared by every process and replica."""

    # -- account budgets -------------------------------------------------------------------

    def budget(self, account: str) -> BudgetState:
        """The account's rate-limit budget as last kept (an empty one when never used)."""
        budget_state.check_account(account)
        found = self._read("read an account budget", lambda c: budget_state.read(c, account))
        return found or BudgetState()

    def change_budget(
        self, account: str, decide: Callable[[BudgetState], tuple[BudgetState, _T]]
    ) -> _T:
        """Apply ``decide`` to the account's budget atomically across every process and
        replica, keep the state it returns, and answer its result. ``decide`` must be quick
        and do no I/O: other writers of the account wait for it."""
        self._refuse_if_readonly()
        budget_state.check_account(account)
        return self._write(
            "change an account budget", lambda c: budget_state.change(c, account, decide)
        )
