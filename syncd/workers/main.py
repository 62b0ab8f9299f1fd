"""A worker process of ``syncd.workers.pool``: ``python -m syncd.workers.main FD TARGET ...``.

It limits its own memory, dies with the process that started it, imports its target once, says
"ready", then answers jobs one at a time until its connection closes or it idles too long.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib
import os
import resource
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """SIGKILL this worker when its parent dies (Linux), even in the middle of a job."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the closed connection ends an idle worker
        pass
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(0)


def _limit_memory(limit: int) -> None:
    if limit <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _load(target: str) -> Callable[[Any], Any]:
    module, _, name = target.partition(":")
    function: Callable[[Any], Any] = getattr(importlib.import_module(module), name)
    return function


def serve(connection: Connection, work: Callable[[Any], Any], idle_exit: float) -> None:
    connection.send("ready")
    while connection.poll(idle_exit):
        try:
            index, job = connection.recv()
        except EOFError:
            return
        try:
            reply = (index, True, work(job))
        except MemoryError:
            reply = (index, False, "it needs more memory than a reading process may use")
        except Exception as exc:  # a bug in the target: reported with the job, the worker lives
            reply = (index, False, f"{type(exc).__name__}: {exc}")
        connection.send(reply)


def main(argv: list[str]) -> None:
    fd, target, memory, idle_exit, parent = argv
    _die_with_parent(int(parent))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for syncd, which ends its workers
    connection = Connection(int(fd))
    _limit_memory(int(memory))
    serve(connection, _load(target), float(idle_exit))


if __name__ == "__main__":
    main(sys.argv[1:])
