"""Account budgets kept in the store: the same rules on SQLite and PostgreSQL, atomic across
connections, threads and processes."""

from __future__ import annotations

import dataclasses
import multiprocessing
import threading
from typing import Any

import pytest

from syncd.cycle.budget_ledger import StoreLedger
from syncd.http.budget import GITHUB_LIMITS, JIRA_LIMITS, AccountLimits, BudgetState, Window
from syncd.store import ReadOnlyStateStoreError, StateStore

ACCOUNT = "github:https://api.github.com:0123456789abcdef01234567"
T0 = 1_800_000_000.0
SMALL = AccountLimits(
    "GitHub",
    windows=(Window(10.0, 3, "per-10s"), Window(100.0, 5, "hourly")),
    serial_writes=True,
    write_gap=1.0,
)


def _write(
    ledger: StoreLedger, at: float, *, holder: str = "a", limits: AccountLimits = SMALL
) -> None:
    assert ledger.take(ACCOUNT, limits, at, holder=holder, write=True, creates=True) is None
    ledger.end_write(ACCOUNT, at, holder=holder)


def test_an_unused_account_has_an_empty_budget(store: StateStore) -> None:
    assert store.budget(ACCOUNT) == BudgetState()
    assert (
        StoreLedger(store).take(ACCOUNT, SMALL, T0, holder="a", write=False, creates=False) is None
    )
    assert store.budget(ACCOUNT) == BudgetState()  # a read writes nothing


def test_windows_and_the_gap_from_the_end_of_the_previous_write(store: StateStore) -> None:
    ledger = StoreLedger(store)
    for n in range(3):
        _write(ledger, T0 + 2 * n)
    # The 10-second window holds 3: room when the first ages out, at T0 + 10.
    refused = ledger.take(ACCOUNT, SMALL, T0 + 6, holder="a", write=True, creates=True)
    assert refused is not None
    assert refused.limit == "GitHub's per-10s limit" and refused.wait == pytest.approx(4.0)
    # The gap runs from the end of a write, however long the write took.
    assert ledger.take(ACCOUNT, SMALL, T0 + 10.5, holder="a", write=True, creates=True) is None
    ledger.end_write(ACCOUNT, T0 + 13.0, holder="a")
    gap = ledger.take(ACCOUNT, SMALL, T0 + 13.5, holder="b", write=True, creates=False)
    assert gap is not None and gap.wait == pytest.approx(0.5) and gap.quiet
    _write(ledger, T0 + 14.0, holder="b")
    hourly = ledger.take(ACCOUNT, SMALL, T0 + 30, holder="a", write=True, creates=True)
    assert hourly is not None and hourly.limit == "GitHub's hourly limit"
    assert hourly.wait == pytest.approx(T0 + 100 - (T0 + 30))
    # An edit (a write that creates nothing) is not held back by the count.
    assert ledger.take(ACCOUNT, SMALL, T0 + 30, holder="a", write=True, creates=False) is None


def test_one_write_at_a_time_across_holders(store: StateStore) -> None:
    ledger = StoreLedger(store)
    assert ledger.take(ACCOUNT, SMALL, T0, holder="a", write=True, creates=True) is None
    busy = ledger.take(ACCOUNT, SMALL, T0 + 0.5, holder="b", write=True, creates=True)
    assert busy is not None and busy.busy
    # Reads are not held back by a write in flight.
    assert ledger.take(ACCOUNT, SMALL, T0 + 0.5, holder="b", write=False, creates=False) is None
    # A holder that never reports back loses the slot when its lease runs out.
    later = T0 + SMALL.write_lease + 0.1
    assert ledger.take(ACCOUNT, SMALL, later, holder="b", write=True, creates=True) is None
    ledger.end_write(ACCOUNT, later + 1, holder="a")  # too late: b's gap is not moved by a
    assert store.budget(ACCOUNT).writer == "b"


def test_a_server_pause_holds_every_request_and_only_grows(store: StateStore) -> None:
    ledger = StoreLedger(store)
    ledger.hold(ACCOUNT, T0 + 60, "Jira's rate limit (jira-burst-based)")
    ledger.hold(ACCOUNT, T0 + 30, "shorter")  # never shortens a pause
    for write in (False, True):
        refused = ledger.take(ACCOUNT, JIRA_LIMITS, T0, holder="x", write=write, creates=write)
        assert refused is not None
        assert refused.wait == pytest.approx(60)
        assert refused.limit == "Jira's rate limit (jira-burst-based)"
    assert ledger.take(ACCOUNT, JIRA_LIMITS, T0 + 60, holder="x", write=True, creates=True) is None


def test_jira_writes_leave_no_trace(store: StateStore) -> None:
    """Jira publishes no count: its writes run side by side and cost the store nothing."""
    ledger = StoreLedger(store)
    assert ledger.take(ACCOUNT, JIRA_LIMITS, T0, holder="a", write=True, creates=True) is None
    assert ledger.take(ACCOUNT, JIRA_LIMITS, T0, holder="b", write=True, creates=True) is None
    assert store.budget(ACCOUNT) == BudgetState()


def test_accounts_are_independent(store: StateStore) -> None:
    ledger = StoreLedger(store)
    _write(ledger, T0)
    other = ACCOUNT.replace("0123", "ffff")
    assert ledger.take(other, SMALL, T0 + 0.1, holder="a", write=True, creates=True) is None


def test_old_creates_are_forgotten(store: StateStore) -> None:
    ledger = StoreLedger(store)
    for n in range(5):
        _write(ledger, T0 + 11 * n)
    _write(ledger, T0 + 500)
    assert store.budget(ACCOUNT).creates == (T0 + 500,)


def test_a_dry_run_store_refuses_to_change_a_budget(store_url: str, store: StateStore) -> None:
    with StateStore.open(store_url, readonly=True) as readonly:
        with pytest.raises(ReadOnlyStateStoreError):
            StoreLedger(readonly).hold(ACCOUNT, T0 + 1, "x")
        assert readonly.budget(ACCOUNT) == BudgetState()


def test_threads_racing_never_exceed_the_window(store_url: str, store: StateStore) -> None:
    """Twelve writers at the same instant: exactly the window's count gets through."""
    limits = dataclasses.replace(SMALL, serial_writes=False, write_gap=0.0)
    allowed: list[str] = []
    lock = threading.Lock()

    def writer(name: str) -> None:
        with StateStore.open(store_url) as own:
            refused = StoreLedger(own).take(
                ACCOUNT, limits, T0, holder=name, write=True, creates=True
            )
        if refused is None:
            with lock:
                allowed.append(name)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(allowed) == 3
    assert len(store.budget(ACCOUNT).creates) == 3


def _process_writer(store_url: str, name: str, rounds: int, out: Any) -> None:
    taken = 0
    with StateStore.open(store_url) as own:
        ledger = StoreLedger(own)
        limits = dataclasses.replace(GITHUB_LIMITS, write_gap=0.0, serial_writes=False)
        for n in range(rounds):
            at = T0 + n * 0.001
            if ledger.take(ACCOUNT, limits, at, holder=name, write=True, creates=True) is None:
                taken += 1
                ledger.end_write(ACCOUNT, at, holder=name)
    out.put(taken)


def test_processes_sharing_an_account_take_turns(store_url: str, store: StateStore) -> None:
    """Three processes, 60 attempts each within one minute: 80 a minute in all, no more."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [
        context.Process(target=_process_writer, args=(store_url, f"p{n}", 60, out))
        for n in range(3)
    ]
    for worker in workers:
        worker.start()
    totals = [out.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(totals) == 80
    assert len(store.budget(ACCOUNT).creates) == 80
