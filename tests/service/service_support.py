"""Workspaces and processes for the service tests: teams on markdown sources, ``syncd run``."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from tests.support import syncd_process
from tests.support.syncd_process import SyncdProcess

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


# Generous: a deadline only costs time when the test fails, and a loaded 2-core CI machine can
# take many seconds to start a Python process. Waits that measure a promise pass their own.
DEFAULT_WAIT_SECONDS = 60.0


def wait_for(
    what: str, check: Callable[[], _T | None], timeout: float = DEFAULT_WAIT_SECONDS
) -> _T:
    """Poll ``check`` until it returns something truthy; fail with ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)  # a polling step, not a wait for an event


JIRA_TOKEN = "fake-api-token"  # the fake Jira's bot token, for "${JIRA_TOKEN}"


def jira_tracker(url: str) -> str:
    """The tracker block of a team mirroring into project PAY of the (fake) Jira at ``url``."""
    return textwrap.dedent(f"""\
        tracker:
          type: jira
          url: {url}
          deployment: cloud
          auth: {{email: syncd-bot@example.com, token: "${{JIRA_TOKEN}}"}}
          project: PAY
        """)


def team_file(docs: Path, name: str, *, tracker: str = "", digest: str = "") -> str:
    """A team file reading one postmortem (written into ``docs``). The default tracker has no
    token, so it is never contacted and every cycle of the team ends failed."""
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "2026-09-14-checkout.md").write_text(DOC, encoding="utf-8")
    tracker = tracker or textwrap.dedent("""\
        tracker:
          type: jira
          url: https://jira.invalid
          auth: {email: bot@example.com, token: "${UNSET_JIRA_TOKEN:-}"}
          project: PAY
        """)
    return (
        f"team: {name}\ntimezone: Europe/Berlin\n"
        f"sources: [{{name: pm, type: markdown, path: {docs}}}]\n"
        f"{tracker}people:\n  alice: {{slack: U0ALICE}}\n{digest}"
    )


def write_team(config: Path, docs: Path, name: str, *, tracker: str = "", digest: str = "") -> None:
    teams = config / "teams"
    teams.mkdir(parents=True, exist_ok=True)
    (teams / f"{name}.yaml").write_text(
        team_file(docs, name, tracker=tracker, digest=digest), encoding="utf-8"
    )


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """Status and body of a GET on loopback; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return int(r.status), bytes(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def metric_value(port: int, name: str, **labels: str) -> float | None:
    """One sample of ``/metrics`` (labels in any order); None when absent or not served."""
    status, body = http_get(port, "/metrics")
    if status != 200:
        return None
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in body.decode().splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return None


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
    def __init__(self, process: SyncdProcess, port: int) -> None:
        self.process = process
        self.port = port
        self._stdout = _Drain(process.stdout)
        self._stderr = _Drain(process.stderr)

    @property
    def stderr(self) -> bytes:
        """What the process wrote to stderr so far (its log lines)."""
        return self._stderr.text()

    @property
    def stdout(self) -> bytes:
        return self._stdout.text()

    def get(self, path: str) -> tuple[int, bytes]:
        return http_get(self.port, path)

    def ready(self) -> dict[str, object] | None:
        status, body = self.get("/readyz")
        return json.loads(body) if status == 200 else None

    def metric(self, name: str, **labels: str) -> float | None:
        return metric_value(self.port, name, **labels)

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
    process = syncd_process.popen(
        ["run", "--config", str(config)],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return RunningService(process, port)
