"""A blocking check (a store ping) that a probe can afford: bounded in time and in threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Attempt:
    done: threading.Event = field(default_factory=threading.Event)
    result: str | None = None


class BoundedCheck:
    """Runs ``check`` (None when fine, else why not) in a thread of its own and waits for it
    at most ``timeout`` seconds.

    One attempt at a time: while one hangs (a database that accepts connections and never
    answers), later calls wait for that same attempt instead of starting threads that would
    pile up, one per probe. Once it ends, the next call starts a fresh one.
    """

    def __init__(self, check: Callable[[], str | None], *, timeout: float, name: str) -> None:
        self._check = check
        self._timeout = timeout
        self._name = name
        self._lock = threading.Lock()
        self._attempt: _Attempt | None = None

    def __call__(self) -> str | None:
        with self._lock:
            attempt = self._attempt
            if attempt is None or attempt.done.is_set():
                attempt = _Attempt()
                self._attempt = attempt
                threading.Thread(
                    target=self._run, args=(attempt,), name=self._name, daemon=True
                ).start()
        if not attempt.done.wait(self._timeout):
            return f"no answer within {self._timeout:g}s"
        return attempt.result

    def _run(self, attempt: _Attempt) -> None:
        try:
            attempt.result = self._check()
        except Exception as exc:  # the check's own errors are its answer, never the probe's
            attempt.result = f"the check failed: {type(exc).__name__}"
        finally:
            attempt.done.set()
