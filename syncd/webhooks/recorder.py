"""A few daemon threads that run recordings for the webhook endpoints, behind a bounded queue.

A request thread hands its recording over and waits for it only until its answer is due; the
recording goes on after that. Daemon threads: a store stuck at SIGTERM must not hold up the
process's exit (a recording not made is caught up by polling).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

_T = TypeVar("_T")


class RecorderFull(Exception):
    """More recordings wait than the queue holds."""


class Recorder:
    def __init__(self, threads: int, capacity: int) -> None:
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue(capacity)
        for number in range(threads):
            threading.Thread(target=self._work, name=f"syncd-hooks-{number}", daemon=True).start()

    def submit(self, job: Callable[[], _T]) -> Future[_T]:
        """Run ``job`` on a recorder thread; its future. A full queue fails the future with
        :class:`RecorderFull` at once."""
        future: Future[_T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(job())
            except BaseException as exc:  # the waiter hears of it; the thread goes on
                future.set_exception(exc)

        try:
            self._jobs.put_nowait(run)
        except queue.Full:
            future.set_exception(RecorderFull("too many webhook events are being recorded"))
        return future

    def _work(self) -> None:
        while True:
            self._jobs.get()()
