"""A parent that has imported syncd once and forks a ready ``python -m syncd`` per request.

Started by ``tests.support.syncd_process`` (one per pytest worker). Each end-to-end proof runs
dozens of real ``syncd`` processes; most of each one's CPU went into importing syncd and its
libraries again. A child forked from here is still a real process of its own (its own pid,
memory, sockets and store connections; it can be SIGKILLed, frozen and resumed), and runs
``syncd/__main__.py`` exactly as ``python -m syncd`` does, from the arguments, environment,
working directory and standard streams of the request.

The zygote stays single-threaded (forking a process with threads is unsafe) and imports only:
the children open every connection and start every thread themselves.

Protocol, over a Unix socket per request: the client sends one JSON line (argv, env, cwd,
new_session) with its three standard-stream descriptors attached; the zygote answers
``pid N`` once forked and ``exit CODE`` (``Popen.returncode`` style: minus the signal number
when killed) when the child ends, then closes the connection.
"""

from __future__ import annotations

import array
import atexit
import contextlib
import gc
import importlib
import io
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass

# What syncd commands import between them; the children import anything else themselves.
PRELOAD = (
    "syncd.cli.app",
    "syncd.service",
    "syncd.cycle.team_cycle",
    "syncd.cycle.read_sources",
    "syncd.cli.digest_command",
    "syncd.cycle.digest_inputs",
    "syncd.cycle.tracker_stage",
    "syncd.cycle.tracker_errors",
    "syncd.cycle.removal_guard",
    "syncd.cron",
    "syncd.http",
    "connectors.markdown",
    "connectors.markdown.source",
    "connectors.markdown.extract",
    "connectors.markdown.parallel",
    "connectors.jira",
    "connectors.github",
    "connectors.slack",
    "connectors.msteams",
    "connectors.mattermost",
    "connectors.discord",
    "connectors.webhook",
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql",
    "psycopg",
    "rich.markup",
)


@dataclass
class Job:
    argv: list[str]
    env: dict[str, str]
    cwd: str
    new_session: bool


def _preload() -> None:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue


def _receive(conn: socket.socket) -> tuple[Job, list[int]]:
    data = b""
    fds: list[int] = []
    while not data.endswith(b"\n"):
        chunk, ancillary, _flags, _addr = conn.recvmsg(1 << 20, socket.CMSG_SPACE(3 * 4))
        if not chunk:
            raise ConnectionError("the client went away before its request was complete")
        data += chunk
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                received = array.array("i")
                received.frombytes(payload[: len(payload) - (len(payload) % received.itemsize)])
                fds.extend(received)
    request = json.loads(data)
    return Job(request["argv"], request["env"], request["cwd"], request["new_session"]), fds


def _become_child(job: Job, fds: list[int]) -> Job:
    """In the forked child: the request's streams, directory and environment, nothing else."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target, inheritable=True)
    os.closerange(3, 1 << 16)  # as exec with close_fds: nothing of the zygote's leaks in
    if job.new_session:
        os.setsid()
    os.chdir(job.cwd)
    os.environ.clear()
    os.environ.update(job.env)
    time.tzset()
    return job


def serve(path: str) -> Job:
    """Answer requests until the client closes our stdin; returns only in a forked child."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(wake_read, selectors.EVENT_READ, "child")
    selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "client")
    waiting: dict[int, socket.socket] = {}
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        for key, _ in selector.select():
            if key.data == "client":
                if not os.read(sys.stdin.fileno(), 4096):
                    raise SystemExit(0)  # the pytest worker is gone
            elif key.data == "child":
                while os.read(wake_read, 4096) == 4096:
                    pass
            else:
                conn, _ = listener.accept()
                try:
                    job, fds = _receive(conn)
                except (ConnectionError, ValueError, KeyError):
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    # Closed through their objects, so no stale object closes a reused descriptor.
                    selector.close()
                    for held in (listener, conn, *waiting.values()):
                        held.close()
                    os.close(wake_read)
                    os.close(wake_write)
                    return _become_child(job, fds)
                for fd in fds:
                    os.close(fd)
                conn.sendall(f"pid {pid}\n".encode())
                waiting[pid] = conn
        _reap(waiting)


def _reap(waiting: dict[int, socket.socket]) -> None:
    while waiting:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = waiting.pop(pid, None)
        if conn is None:
            continue
        with contextlib.suppress(OSError):  # the client stopped waiting for this one
            conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
        conn.close()


def run_child(job: Job) -> None:

    # Fresh text streams over the request's descriptors, buffered as a new interpreter's are.
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8"
    )
    sys.stderr = io.TextIOWrapper(
        io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
        encoding="utf-8",
        errors="backslashreplace",
        line_buffering=True,
    )
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.argv = ["-m", *job.argv]
    code: object = 0
    try:
        runpy.run_module("syncd", run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        code = exit_.code
    except BaseException:
        traceback.print_exc()
        code = 1
    os._exit(_shut_down(code))


def _shut_down(code: object) -> int:
    """What the interpreter does at exit, except tearing down every module.

    The teardown would touch every object inherited from the zygote, copying all its memory
    page by page for nothing; the rest is as at a normal exit: non-daemon threads joined,
    atexit handlers run, streams flushed, the exit code as ``sys.exit`` makes it.
    """
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120  # as Python does when it cannot flush stdout at exit
    return status & 0xFF


def main() -> None:
    _preload()
    gc.collect()
    gc.freeze()  # the children's collections leave the inherited objects (and pages) alone
    run_child(serve(sys.argv[1]))


if __name__ == "__main__":
    main()
