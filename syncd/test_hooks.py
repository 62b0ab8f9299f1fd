"""Test-only freeze points: a syncd process stops itself (SIGSTOP) at a named moment.

``SYNCD_TEST_FREEZE_AT=tracker_write:3`` stops the process as it is about to send its third
write to the tracker (before the lease is confirmed); ``create_answered:1`` once the tracker
has answered its first create, before the answer is recorded (as if frozen with the request
in flight); ``create_request:2`` before the second batch of creates is sent. The proofs of
fencing resume it with SIGCONT at a moment they choose, instead of guessing with timings.
``document_read:NAME`` stops the reading process (``syncd.workers.pool``) that is given the
document NAME: a document that never finishes, which no real document under the shape limits
is any more, for the proofs of the reading budget and of SIGTERM.
Never set in production: syncd warns when it is set.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter

FREEZE_ENV = "SYNCD_TEST_FREEZE_AT"

_lock = threading.Lock()
_reached: Counter[str] = Counter()


def freeze_setting() -> str | None:
    return os.environ.get(FREEZE_ENV) or None


def freeze_point(name: str) -> None:
    """Stop this process here if ``SYNCD_TEST_FREEZE_AT`` names this point and this visit."""
    spec = freeze_setting()
    if spec is None:
        return
    point, _, nth = spec.partition(":")
    if point != name:
        return
    with _lock:
        _reached[name] += 1
        visit = _reached[name]
    if visit == int(nth or "1"):
        from syncd.output.logs import get_logger  # here: a reading process imports this module too

        get_logger().warning("test.freezing", point=name, visit=visit, pid=os.getpid())
        stop_here()


def freeze_on_document(document: str) -> None:
    """Stop this (reading) process if ``SYNCD_TEST_FREEZE_AT`` is ``document_read:document``."""
    if freeze_setting() == f"document_read:{document}":
        stop_here()


def stop_here() -> None:
    """Stop the whole process before the calling thread runs one more line.

    The SIGSTOP is aimed at this thread, not at the process: a signal sent to the process goes
    to its main thread, and a cycle of ``syncd run`` runs in a worker thread, which went on
    running until the main thread got the CPU and stopped the group. Under load it ran on
    through the lease check after a ``tracker_write`` point (the freeze then landed after the
    lease was confirmed, in the window fencing leaves open, and the resumed replica sent the
    create). Aimed at the caller, the stop takes effect as it returns from the kernel, and
    stops every other thread with it.
    """
    signal.pthread_kill(threading.get_ident(), signal.SIGSTOP)
