"""Pure work on untrusted input, in worker processes that are ended when a job overruns.

A regular expression or a parser can take far longer on a hostile input than on any real one,
and CPython cannot interrupt a thread that is inside one (nor run a signal handler, nor answer
a probe while it holds the GIL). So such work runs in worker processes: fresh interpreters
(``python -m syncd.workers.main``), each with a memory limit, given one job at a time. A job
that runs past its budget has its worker killed and comes back as ``Overran``; the other jobs
go on in a new worker. ``end_all_workers`` (SIGTERM) kills every worker at once, busy or idle.

Workers are kept between calls (a service reads its sources every few minutes) and end
themselves after ``IDLE_EXIT_SECONDS`` without work, so an idle service holds none.
"""

from __future__ import annotations

import atexit
import math
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from syncd.test_hooks import FREEZE_ENV

_T = TypeVar("_T")

IDLE_EXIT_SECONDS = 60.0
STARTUP_SECONDS = 60.0  # a fresh interpreter on a loaded machine; not part of any job's budget
DEFAULT_MEMORY_BYTES = 384 << 20  # address space of one worker: within a 512 MiB pod beside syncd


@dataclass(frozen=True, slots=True)
class Overran:
    """The job ran past its budget; its worker was killed."""

    seconds: float


@dataclass(frozen=True, slots=True)
class WorkerFailed:
    """The job ended its worker or raised: out of memory, a crash, an exception."""

    reason: str


class WorkersStopped(RuntimeError):
    """``end_all_workers`` was called (the service is stopping): no job can finish."""


JobResult = Any | Overran | WorkerFailed


@dataclass(frozen=True, slots=True)
class _Running:
    index: int  # the job's place in the caller's sequence
    deadline: float  # monotonic: the budget's end, or the start-up's while not started
    started: bool

    @classmethod
    def begin(cls, index: int, started: bool, budget: float) -> _Running:
        return cls(index, time.monotonic() + (budget if started else STARTUP_SECONDS), started)


class _Spawner:
    """Starts every worker from one thread that lives as long as the process.

    A worker asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``), and on
    Linux the "parent" is the thread that started it: a worker started by a sync thread that
    then ended was killed in the middle of another thread's document.
    """

    def __init__(self) -> None:
        self._requests: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, start: Callable[[], _T]) -> _T:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._serve, name="syncd-worker-spawner", daemon=True
                )
                self._thread.start()
        done: Future[_T] = Future()
        self._requests.put((start, done))
        return done.result()

    def _serve(self) -> None:
        while True:
            start, done = self._requests.get()
            try:
                done.set_result(start())
            except BaseException as exc:  # handed to the caller, which raises it
                done.set_exception(exc)


_spawner = _Spawner()


def _start_process(fd: int, target: str, memory_bytes: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "syncd.workers.main",
            str(fd),
            target,
            str(memory_bytes),
            str(IDLE_EXIT_SECONDS),
            str(os.getpid()),
        ],
        pass_fds=(fd,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # stdout holds syncd's results (--json), never a worker's
        env=_worker_environment(),
    )


class _Worker:
    def __init__(self, target: str, memory_bytes: int) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = _spawner.run(
                partial(_start_process, theirs.fileno(), target, memory_bytes)
            )
        self.connection = Connection(ours.detach())
        self.ready = False
        self.idle_since = time.monotonic()

    def usable(self) -> bool:
        fresh = time.monotonic() - self.idle_since < IDLE_EXIT_SECONDS / 2
        return fresh and self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()  # a no-op once the process was reaped
        self.process.wait()
        self.connection.close()

    def ended_how(self) -> str:
        code = self.process.wait()
        if code < 0:
            return f"the reading process was ended by signal {-code}"
        return f"the reading process exited with status {code}"


def _worker_environment() -> dict[str, str]:
    # A worker needs the interpreter's settings, never the service's secrets.
    keep = ("PATH", "LANG", "TZ", FREEZE_ENV)
    return {k: v for k, v in os.environ.items() if k in keep or k.startswith(("PYTHON", "LC_"))}


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may use: those it may run on, and no more than its container's
    CPU quota (a pod limited to 500m gets one reading process, not one per core of the node,
    which its memory limit would not hold)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform can say which cores this process may use
        cores = os.cpu_count() or 1
    quota = _cpu_quota(cgroup)
    return max(1, min(cores, math.ceil(quota))) if quota is not None else cores


def _cpu_quota(cgroup: Path) -> float | None:
    """The CPU quota in cores (cgroup v2 ``cpu.max``, else v1's CFS files); None: unlimited."""
    try:
        quota, _, period = (cgroup / "cpu.max").read_text().partition(" ")
        if quota.strip() == "max":
            return None
        return int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        pass
    try:
        quota_us = int((cgroup / "cpu" / "cpu.cfs_quota_us").read_text())
        period_us = int((cgroup / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota_us / period_us if quota_us > 0 and period_us > 0 else None


class WorkerPool:
    """Workers for one target function (``"package.module:function"``)."""

    def __init__(
        self,
        target: str,
        *,
        memory_bytes: int = DEFAULT_MEMORY_BYTES,
        max_workers: int | None = None,
    ) -> None:
        self.target = target
        self.memory_bytes = memory_bytes
        # Shared by every caller (the service's teams read at once): memory stays bounded.
        self.max_workers = max_workers or max(2, usable_cores())
        self._changed = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._stopped = False

    def map(self, jobs: Sequence[Any], *, budget: float, workers: int) -> Iterator[JobResult]:
        """Each job's result, in the order of ``jobs``. Raises ``WorkersStopped``."""
        pending = list(enumerate(jobs))[::-1]  # popped from the end: first job first
        done: dict[int, JobResult] = {}
        running: dict[_Worker, _Running] = {}
        next_out = 0
        try:
            while next_out < len(jobs):
                while pending and len(running) < max(1, workers):
                    # Wait for a worker only with none running: two callers each holding one
                    # and waiting for a second would otherwise wait for each other forever.
                    worker = self._checkout(wait=not running)
                    if worker is None:
                        break
                    index, job = pending.pop()
                    sent = self._send(worker, (index, job))
                    running[sent] = _Running.begin(index, sent.ready, budget)
                self._collect(running, done, budget)
                while next_out in done:
                    yield done.pop(next_out)
                    next_out += 1
        finally:
            for worker in running:  # abandoned mid-job (an error, or the caller stopped)
                self._discard(worker)

    def _collect(
        self, running: dict[_Worker, _Running], done: dict[int, JobResult], budget: float
    ) -> None:
        """Wait for the next message or deadline, and settle what it decided."""
        timeout = max(0.0, min(r.deadline for r in running.values()) - time.monotonic())
        by_connection = {w.connection: w for w in running}
        for connection in wait(list(by_connection), timeout=timeout):
            worker = by_connection[connection]  # type: ignore[index]
            job = running[worker]
            try:
                message = worker.connection.recv()
            except (EOFError, OSError):
                self._raise_if_stopped()
                del running[worker]
                done[job.index] = WorkerFailed(worker.ended_how())
                self._discard(worker)
                continue
            if message == "ready":  # the budget counts from here, not from the spawn
                worker.ready = True
                running[worker] = _Running.begin(job.index, True, budget)
                continue
            del running[worker]
            _, ok, value = message
            done[job.index] = value if ok else WorkerFailed(str(value))
            self._checkin(worker)
        self._raise_if_stopped()
        now = time.monotonic()
        for worker, job in list(running.items()):
            if now >= job.deadline:
                del running[worker]
                done[job.index] = (
                    Overran(budget)
                    if job.started
                    else WorkerFailed(
                        f"the reading process did not start within {STARTUP_SECONDS:g} s"
                    )
                )
                self._discard(worker)

    def _send(self, worker: _Worker, message: tuple[int, Any]) -> _Worker:
        """The worker that took the job. An idle worker may have just ended itself (its idle
        time ran out as it was chosen): the job then goes to a new one."""
        try:
            worker.connection.send(message)
        except OSError:
            self._discard(worker)
            worker = self._spawn()
            worker.connection.send(message)
        return worker

    def _checkout(self, *, wait: bool) -> _Worker | None:
        """An idle worker, else a new one while there are fewer than ``max_workers``, else
        (``wait``) the first one another caller gives back, or None."""
        with self._changed:
            while True:
                self._raise_if_stopped()
                while self._idle:
                    worker = self._idle.pop()
                    if worker.usable():
                        self._busy.add(worker)
                        return worker
                    worker.kill()
                if len(self._busy) < self.max_workers:
                    return self._spawn()
                if not wait:
                    return None
                self._changed.wait(timeout=1.0)  # bounded: a stop also notifies

    def _spawn(self) -> _Worker:
        with self._changed:
            worker = _Worker(self.target, self.memory_bytes)
            self._busy.add(worker)
            return worker

    def warm(self) -> None:
        """Start workers up to ``max_workers`` without waiting for them, so the first read
        does not pay for their start (a replica taking over teams, say)."""
        with self._changed:
            if self._stopped:
                return
            self._idle = [w for w in self._idle if w.usable()]
            for _ in range(self.max_workers - len(self._busy) - len(self._idle)):
                self._idle.append(_Worker(self.target, self.memory_bytes))

    def _checkin(self, worker: _Worker) -> None:
        with self._changed:
            self._busy.discard(worker)
            self._changed.notify()
            if self._stopped:
                worker.kill()
                return
            worker.idle_since = time.monotonic()
            self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._changed:
            self._busy.discard(worker)
            self._changed.notify()
        worker.kill()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def _raise_if_stopped(self) -> None:
        if self._stopped:
            raise WorkersStopped("the service is stopping; the reading processes were ended")

    def stop(self) -> None:
        """Kill every worker, busy or idle; a ``map`` in progress raises ``WorkersStopped``."""
        with self._changed:
            self._stopped = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._changed.notify_all()
        for worker in workers:
            worker.process.kill()
        for worker in workers:
            worker.process.wait()


_pools: dict[tuple[str, int], WorkerPool] = {}
_pools_lock = threading.Lock()


def shared_pool(target: str, *, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> WorkerPool:
    """The process-wide pool for ``target``: workers are reused across reads and teams."""
    with _pools_lock:
        pool = _pools.get((target, memory_bytes))
        if pool is None or pool.stopped:
            if not _pools:
                atexit.register(end_all_workers)  # idle workers would otherwise linger a minute
            pool = _pools[(target, memory_bytes)] = WorkerPool(target, memory_bytes=memory_bytes)
        return pool


def end_all_workers() -> None:
    """Kill every worker of every shared pool (SIGTERM: nothing may outlive the service)."""
    with _pools_lock:
        pools = list(_pools.values())
    for pool in pools:
        pool.stop()
