"""``python -m syncd`` for the tests, as real processes that skip the import: ``popen`` and ``run``.

Each process is forked from a zygote (``tests.support.syncd_zygote``, one per pytest worker)
that imported syncd and its libraries once, so a proof that runs forty syncs pays for the
imports once instead of forty times. The process is otherwise what ``python -m syncd`` starts:
its own pid, memory, store connections and threads, the request's environment, directory and
streams; it can be killed, frozen and resumed like any other.

``SYNCD_TEST_EXEC=1`` starts every one as a fresh interpreter instead (``subprocess``), which is
how production starts syncd; the deploy and README tests always do.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

__all__ = ["EXEC_ENV", "ForkedProcess", "SyncdProcess", "popen", "run"]

ROOT = Path(__file__).resolve().parents[2]
EXEC_ENV = "SYNCD_TEST_EXEC"
PIPE = subprocess.PIPE
DEVNULL = subprocess.DEVNULL
STDOUT = subprocess.STDOUT

Stream = None | int | IO[Any]


def _exec_mode() -> bool:
    return os.environ.get(EXEC_ENV, "").strip() not in ("", "0")


class _Zygote:
    _lock = threading.Lock()
    _current: _Zygote | None = None

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="syncd-zygote-")
        self.path = os.path.join(self.directory, "socket")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.syncd_zygote", self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline()
        if ready != b"ready\n":
            self.close()
            raise RuntimeError(f"the syncd zygote did not start (it said {ready!r})")

    @classmethod
    def get(cls) -> _Zygote:
        with cls._lock:
            if cls._current is None or cls._current.process.poll() is not None:
                cls._current = cls()
                atexit.register(cls._current.close)
            return cls._current

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # the zygote exits when its client is gone
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


class ForkedProcess:
    """The part of ``subprocess.Popen`` the tests use, for a process forked by the zygote."""

    def __init__(
        self,
        args: list[str],
        pid: int,
        conn: socket.socket,
        streams: tuple[IO[Any] | None, IO[Any] | None, IO[Any] | None],
    ) -> None:
        self.args = args
        self.pid = pid
        self.returncode: int | None = None
        self.stdin, self.stdout, self.stderr = streams
        self._conn = conn
        self._answer = b""

    def _collect(self, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            if b"\n" in self._answer:
                line, _, self._answer = self._answer.partition(b"\n")
                word, _, value = line.decode().partition(" ")
                if word == "exit":
                    self.returncode = int(value)
                    self._conn.close()
                continue
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            self._conn.settimeout(left)
            try:
                chunk = self._conn.recv(4096)
            except (TimeoutError, BlockingIOError):
                return
            if not chunk:
                raise RuntimeError(f"the syncd zygote lost process {self.pid}")
            self._answer += chunk

    def poll(self) -> int | None:
        self._collect(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._collect(timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def communicate(
        self, input: bytes | str | None = None, timeout: float | None = None
    ) -> tuple[Any, Any]:
        results: dict[str, Any] = {}

        def drain(name: str, stream: IO[Any]) -> None:
            results[name] = stream.read()
            stream.close()

        readers = [
            threading.Thread(target=drain, args=(name, stream), daemon=True)
            for name, stream in (("out", self.stdout), ("err", self.stderr))
            if stream is not None
        ]
        for reader in readers:
            reader.start()
        if self.stdin is not None:
            if input:
                self.stdin.write(input)
            self.stdin.close()
        deadline = None if timeout is None else time.monotonic() + timeout
        for reader in readers:
            reader.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
        self.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return results.get("out"), results.get("err")

    def __enter__(self) -> ForkedProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in (self.stdin, self.stdout, self.stderr):
            if stream is not None and not stream.closed:
                stream.close()
        self.wait()


# What ``popen`` returns: forked from the zygote, or a fresh interpreter in exec mode.
SyncdProcess = ForkedProcess | subprocess.Popen[Any]


def _descriptor(stream: Stream, default: int, opened: list[int]) -> tuple[int, int | None]:
    """The descriptor for the child, and our end of a pipe when one was asked for."""
    if stream is None:
        return default, None
    if stream == DEVNULL:
        fd = os.open(os.devnull, os.O_RDWR)
        opened.append(fd)
        return fd, None
    if stream == PIPE:
        read_end, write_end = os.pipe()
        ours, theirs = (write_end, read_end) if default == 0 else (read_end, write_end)
        opened.append(theirs)
        return theirs, ours
    if isinstance(stream, int):
        return stream, None
    return stream.fileno(), None


def popen(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    stdin: Stream = DEVNULL,
    stdout: Stream = None,
    stderr: Stream = None,
    cwd: str | os.PathLike[str] | None = None,
    text: bool = False,
    start_new_session: bool = False,
) -> SyncdProcess:
    """``python -m syncd ARGS``, started; like ``subprocess.Popen`` with the same arguments."""
    argv = [str(a) for a in args]
    if _exec_mode():
        return subprocess.Popen(
            [sys.executable, "-m", "syncd", *argv],
            env=dict(env),
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            cwd=cwd,
            text=text,
            start_new_session=start_new_session,
        )
    opened: list[int] = []
    try:
        fd_in, our_in = _descriptor(stdin, 0, opened)
        fd_out, our_out = _descriptor(stdout, 1, opened)
        if stderr == STDOUT:
            fd_err, our_err = fd_out, None
        else:
            fd_err, our_err = _descriptor(stderr, 2, opened)
        request = {
            "argv": argv,
            "env": dict(env),
            "cwd": str(cwd) if cwd is not None else os.getcwd(),
            "new_session": start_new_session,
        }
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(_Zygote.get().path)
        socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [fd_in, fd_out, fd_err])
    finally:
        for fd in opened:
            os.close(fd)
    mode = "" if text else "b"
    streams = (
        None if our_in is None else open(our_in, "w" + mode),  # noqa: SIM115
        None if our_out is None else open(our_out, "r" + mode),  # noqa: SIM115
        None if our_err is None else open(our_err, "r" + mode),  # noqa: SIM115
    )
    answer = b""
    while not answer.endswith(b"\n"):
        chunk = conn.recv(64)
        if not chunk:
            raise RuntimeError("the syncd zygote did not start the process")
        answer += chunk
    word, _, pid = answer.decode().strip().partition(" ")
    assert word == "pid", answer
    return ForkedProcess(["-m", "syncd", *argv], int(pid), conn, streams)


def run(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    capture_output: bool = False,
    timeout: float | None = None,
    check: bool = False,
    text: bool = False,
    input: bytes | str | None = None,
    stdout: Stream = None,
    stderr: Stream = None,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[Any]:
    """``python -m syncd ARGS`` to its end; like ``subprocess.run`` with the same arguments."""
    if capture_output:
        stdout = stderr = PIPE
    process = popen(
        args,
        env=env,
        stdin=PIPE if input is not None else DEVNULL,
        stdout=stdout,
        stderr=stderr,
        cwd=cwd,
        text=text,
    )
    try:
        out, err = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
    completed = subprocess.CompletedProcess(process.args, process.returncode or 0, out, err)
    if check:
        completed.check_returncode()
    return completed
