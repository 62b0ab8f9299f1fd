"""Workspaces and processes for the service tests: teams on markdown sources, ``syncd run``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

_T = TypeVar("_T")

DOC = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Alert on checkout 5xx rate above 2% for 5 minutes @alice due 2026-10-01
- [ ] Improve monitoring
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Callable[[], _T | None], timeout: float = 20.0) -> _T:
    """Poll ``check`` until it returns something truthy; fail with ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)  # a polling step, not a wait for an event


def write_team(config: Path, docs: Path, name: str, *, tracker: str = "", digest: str = "") -> None:
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "2026-09-14-checkout.md").write_text(DOC, encoding="utf-8")
    teams = config / "teams"
    teams.mkdir(parents=True, exist_ok=True)
    tracker = tracker or textwrap.dedent("""\
        tracker:
          type: jira
          url: https://jira.invalid
          auth: {email: bot@example.com, token: "${UNSET_JIRA_TOKEN:-}"}
          project: PAY
        """)
    (teams / f"{name}.yaml").write_text(
        f"team: {name}\ntimezone: Europe/Berlin\n"
        f"sources: [{{name: pm, type: markdown, path: {docs}}}]\n"
        f"{tracker}people:\n  alice: {{slack: U0ALICE}}\n{digest}",
        encoding="utf-8",
    )


class _Drain:
    """Reads a child's pipe to the end on a thread of its own.

    A pipe nobody reads fills up (64 KiB on Linux), and then the child blocks on its next log
    line: a lease is not renewed, a SIGTERM is not acted on. A service test that only looked at
    stderr once the process had ended would then fail depending on how chatty the run was.
    """

    def __init__(self, pipe: IO[bytes] | None) -> None:
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._thread.start()

    def _read(self, pipe: IO[bytes] | None) -> None:
        if pipe is None:
            return
        with pipe:
            for chunk in iter(lambda: pipe.read1(65536), b""):
                with self._lock:
                    self._chunks.append(chunk)

    def text(self) -> bytes:
        with self._lock:
            return b"".join(self._chunks)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class RunningService:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.port = port
        self._stdout = _Drain(process.stdout)
        self._stderr = _Drain(process.stderr)

    @property
    def stderr(self) -> bytes:
        """What the process wrote to stderr so far (its log lines)."""
        return self._stderr.text()

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return int(r.status), bytes(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 0, b""

    def ready(self) -> dict[str, object] | None:
        status, body = self.get("/readyz")
        return json.loads(body) if status == 200 else None

    def metric(self, name: str, **labels: str) -> float | None:
        status, body = self.get("/metrics")
        if status != 200:
            return None
        wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
        for line in body.decode().splitlines():
            if line.startswith(prefix):
                return float(line[len(prefix) :])
        return None

    def signal(self, number: signal.Signals) -> None:
        self.process.send_signal(number)

    def finish(self, timeout: float) -> tuple[int, bytes]:
        """Wait for the process to end on its own; its exit status and stderr."""
        code = self.process.wait(timeout=timeout)
        self._stderr.join(timeout=10)
        return code, self.stderr

    def stop(self) -> bytes:
        """Kill the process if it still runs; its stderr (the log lines)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for drain in (self._stdout, self._stderr):
            drain.join(timeout=10)
        return self.stderr


def start_service(config: Path, env: dict[str, str], *, port: int | None = None) -> RunningService:
    port = port or free_port()
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SYNCD_LOG_FORMAT": "json",
        "SYNCD_HTTP_PORT": str(port),
        "SYNCD_HTTP_HOST": "127.0.0.1",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "syncd", "run", "--config", str(config)],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return RunningService(process, port)
