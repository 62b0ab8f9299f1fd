"""Worker processes: results in order, a job past its budget killed, crashes and memory contained,
every worker ended at once on stop. No timing is asserted: budgets are either far above what a
job needs or the job never ends."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from syncd.workers.pool import Overran, WorkerFailed, WorkerPool, WorkersStopped
from tests.service.service_support import wait_for

ROOT = Path(__file__).resolve().parents[2]
TARGETS = "tests.support.worker_targets"


@pytest.fixture(autouse=True)
def _importable_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    # The workers are fresh interpreters: they find the tests' job functions on PYTHONPATH.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child stays a zombie until reaped; the pool reaps what it kills.
    with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_results_come_back_in_order_from_several_workers() -> None:
    pool = WorkerPool(f"{TARGETS}:echo")
    try:
        jobs = [{"n": n, "text": "x" * n} for n in range(40)]
        assert list(pool.map(jobs, budget=60, workers=3)) == jobs
        # Workers are kept for the next call.
        assert list(pool.map(["again"], budget=60, workers=1)) == ["again"]
    finally:
        pool.stop()


def test_a_job_past_its_budget_is_killed_and_the_rest_go_on(tmp_path: Path) -> None:
    pool = WorkerPool(f"{TARGETS}:forever")
    pid_file = tmp_path / "pid"
    try:
        results = list(pool.map([str(pid_file)], budget=0.5, workers=1))
    finally:
        pool.stop()
    assert results == [Overran(0.5)]
    assert not _alive(int(pid_file.read_text()))


def test_a_crash_an_exception_and_too_much_memory_are_reported_per_job() -> None:
    for target, job, reason in (
        ("die", 1, "the reading process was ended by signal 9"),
        ("raise_error", 2, "ValueError: no good: 2"),
        ("allocate", 4 << 30, "it needs more memory than a reading process may use"),
    ):
        pool = WorkerPool(f"{TARGETS}:{target}", memory_bytes=512 << 20)
        try:
            assert list(pool.map([job], budget=60, workers=1)) == [WorkerFailed(reason)]
        finally:
            pool.stop()
    # After a failure, a pool still serves.
    pool = WorkerPool(f"{TARGETS}:die")
    try:
        assert [type(r) for r in pool.map([1, 2, 3], budget=60, workers=2)] == [WorkerFailed] * 3
    finally:
        pool.stop()


def test_stop_ends_a_busy_worker_and_the_waiting_caller(tmp_path: Path) -> None:
    pool = WorkerPool(f"{TARGETS}:forever")
    pid_file = tmp_path / "pid"
    raised: list[BaseException] = []

    def read() -> None:
        try:
            list(pool.map([str(pid_file)], budget=3600, workers=1))
        except BaseException as exc:  # the test looks at what was raised
            raised.append(exc)

    caller = threading.Thread(target=read)
    caller.start()
    pid = int(wait_for("the job to start", lambda: pid_file.exists() and pid_file.read_text()))
    pool.stop()
    caller.join(timeout=30)
    assert not caller.is_alive()
    assert [type(e) for e in raised] == [WorkersStopped]
    assert not _alive(pid)
    with pytest.raises(WorkersStopped):
        list(pool.map(["more"], budget=60, workers=1))


def test_callers_at_once_share_at_most_max_workers_and_all_finish() -> None:
    pool = WorkerPool(f"{TARGETS}:echo", max_workers=2)
    results: dict[int, list[object]] = {}

    def read(caller: int) -> None:
        jobs = [f"{caller}-{n}" for n in range(15)]
        results[caller] = list(pool.map(jobs, budget=60, workers=2))

    callers = [threading.Thread(target=read, args=(n,)) for n in range(3)]
    try:
        for thread in callers:
            thread.start()
        for thread in callers:
            thread.join(timeout=120)
        alive_workers = len(pool._idle) + len(pool._busy)
    finally:
        pool.stop()
    assert not any(thread.is_alive() for thread in callers)
    assert results == {n: [f"{n}-{k}" for k in range(15)] for n in range(3)}
    assert alive_workers <= 2


def test_warm_starts_the_workers_before_the_first_job() -> None:
    pool = WorkerPool(f"{TARGETS}:echo", max_workers=2)
    try:
        pool.warm()
        started = {w.process.pid for w in pool._idle}
        assert len(started) == 2
        assert list(pool.map(["a", "b"], budget=60, workers=2)) == ["a", "b"]
        assert {w.process.pid for w in pool._idle} == started  # the warm ones did the work
    finally:
        pool.stop()


def test_a_worker_outlives_the_thread_that_started_it() -> None:
    # Workers die with their parent (PR_SET_PDEATHSIG), and Linux takes the starting *thread*
    # for the parent: a sync thread that ended must not take the shared workers with it.
    pool = WorkerPool(f"{TARGETS}:echo", max_workers=1)
    try:
        caller = threading.Thread(target=lambda: list(pool.map(["a"], budget=60, workers=1)))
        caller.start()
        caller.join(timeout=60)
        [worker] = pool._idle
        assert list(pool.map(["b"], budget=60, workers=1)) == ["b"]
        assert [w.process.pid for w in pool._idle] == [worker.process.pid]
    finally:
        pool.stop()
