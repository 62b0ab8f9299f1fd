"""Real ``syncd`` processes writing one team, on either tracker's fake and either store, for
the proofs of one writer per team and of fencing (issue 10, points 3 and 7).

A process is frozen at a named moment by the test-only hook ``SYNCD_TEST_FREEZE_AT``
(``syncd.test_hooks``): it stops itself with SIGSTOP, and the test sees it stopped in
``/proc`` before going on. Nothing here waits on a timing guess: every wait polls a condition
with a deadline.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncd.http.budget import RATE_SCALE_ENV
from tests.e2e.workspaces import GitHubWorkspace, Workspace, tracker_workspace, write_postmortems
from tests.service.service_support import free_port, wait_for
from tests.support import syncd_process
from tests.support.syncd_process import SyncdProcess

_MARKERS = re.compile(r"syncd:item=([^\s>]+?)\s*-->")

__all__ = ["Proc", "TeamUnderTest", "team_under_test", "wait_for"]

# The tracker's read timeout: part of how long another holder's intents are left to settle
# (long enough that a writer started just after a lease ran out meets them still young) and of
# how long a frozen GitHub writer's write in flight holds the account's other writers.
TRACKER_TIMEOUT_SECONDS = 8


@dataclass
class Proc:
    """One ``syncd`` process, its output in files (a frozen process never blocks a pipe)."""

    name: str
    process: SyncdProcess
    out: Path
    err: Path
    resumed_at: float | None = None  # monotonic, as the fakes' request log

    @property
    def pid(self) -> int:
        return self.process.pid

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def events(self) -> list[dict[str, Any]]:
        found = []
        for line in self.stderr().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a console warning (the test-only hooks announce themselves)
            if isinstance(record, dict):
                found.append(record)
        return found

    def logged(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.events() if e.get("event") == event]

    def stopped(self) -> bool:
        """True once the kernel shows every thread of the process stopped (it froze itself).
        Every thread, not the main one only: a replica's cycle runs in a worker thread, and
        the process's own line in ``/proc`` is its main thread's."""
        try:
            tasks = list(Path(f"/proc/{self.pid}/task").iterdir())
            states = [(task / "stat").read_text().rpartition(")")[2].split()[0] for task in tasks]
        except OSError:
            return False
        return bool(states) and all(state in ("T", "t") for state in states)

    def wait_frozen(self, timeout: float = 60) -> None:
        wait_for(
            f"{self.name} to freeze",
            lambda: self.stopped() or self.process.poll() is not None,
            timeout,
        )
        assert self.process.poll() is None, f"{self.name} ended instead:\n{self.stderr()[-3000:]}"

    def resume(self) -> None:
        self.resumed_at = time.monotonic()
        self.process.send_signal(signal.SIGCONT)

    def finish(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@dataclass
class TeamUnderTest:
    root: Path
    tracker: str  # "jira" | "github"
    workspace: Workspace
    database_url: str | None  # None: the default SQLite file in the state directory
    processes: list[Proc] = field(default_factory=list)

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def env(self, **extra: str) -> dict[str, str]:
        # What these proofs freeze is the account's one write in flight, which holds the others
        # for the real timeouts: a writer must still wait it out in-line (a budget sped up much
        # more would defer instead), so the budget is only twice as fast as GitHub's.
        env = {**self.workspace.env(), RATE_SCALE_ENV: "2"}
        if self.database_url is not None:
            env["SYNCD_DATABASE_URL"] = self.database_url
        env.update(extra)
        return env

    def start(self, command: str, name: str, *args: str, **extra_env: str) -> Proc:
        n = len(self.processes)
        out, err = self.root / f"{n}-{name}.out", self.root / f"{n}-{name}.err"
        env = self.env(**extra_env)
        if command == "run":
            env.setdefault("SYNCD_HTTP_PORT", str(free_port()))
            env.setdefault("SYNCD_HTTP_HOST", "127.0.0.1")
        argv = [command, "--config", str(self.workspace.config)]
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = syncd_process.popen([*argv, *args], env=env, stdout=stdout, stderr=stderr)
        proc = Proc(name, process, out, err)
        self.processes.append(proc)
        return proc

    def sync(self, name: str, **extra_env: str) -> Proc:
        """A whole ``syncd sync --json``, finished."""
        proc = self.start("sync", name, "--json", **extra_env)
        proc.finish()
        return proc

    def per_marker(self) -> Counter[str]:
        return self.workspace.issues_per_marker()

    def issue_count(self) -> int:
        return self.workspace.issue_count()

    def titles(self) -> list[str]:
        return self.workspace.titles()

    def duplicates(self) -> dict[str, int]:
        return {marker: n for marker, n in self.per_marker().items() if n > 1}

    def forensics(self) -> str:
        """Who made which issue, for a failure's message (and ``forensics.txt`` beside the
        processes' logs): every issue with its number, creation time and markers; every write
        the fake received, with the process that sent it; which process was which."""
        lines = [f"{p.name}: pid {p.pid}, resumed at {p.resumed_at}" for p in self.processes]
        if isinstance(self.workspace, GitHubWorkspace):
            names = {p.pid: p.name for p in self.processes}
            lines.append("issues:")
            for issue in sorted(self.workspace.issues(), key=lambda i: i.number):
                markers = ",".join(_MARKERS.findall(issue.body or ""))
                lines.append(f"  #{issue.number} {issue.created.isoformat()} {markers}")
            lines.append("writes:")
            for r in self.workspace.fake.requests:
                if r.method == "GET":
                    continue
                who = names.get(r.client_pid, r.client_pid)
                markers = ",".join(_MARKERS.findall(json.dumps(r.body)))
                lines.append(
                    f"  {r.at:.3f} {r.method} {r.api_path} {r.status} from {who} "
                    f"({r.connection}) {markers}"
                )
        text = "\n".join(lines)
        (self.root / "forensics.txt").write_text(text + "\n", encoding="utf-8")
        return text

    def stop_all(self) -> None:
        for proc in self.processes:
            proc.stop()


def _shorten_timeouts(config: Path) -> None:
    team_file = config / "teams" / "payments.yaml"
    text = team_file.read_text(encoding="utf-8")
    marker = "  labels: [postmortem-action]\n"
    assert text.count(marker) == 1, "the tracker block's labels line moved"
    team_file.write_text(
        text.replace(marker, marker + f"  timeout_seconds: {TRACKER_TIMEOUT_SECONDS}\n"),
        encoding="utf-8",
    )


@contextmanager
def team_under_test(
    root: Path, tracker: str, database_url: str | None, *, documents: int, items: int
) -> Iterator[TeamUnderTest]:
    with tracker_workspace(root, tracker) as workspace:
        write_postmortems(root / "docs", documents, items)
        workspace.write_config()
        _shorten_timeouts(workspace.config)
        team = TeamUnderTest(root, tracker, workspace, database_url)
        if isinstance(workspace, GitHubWorkspace):
            workspace.fake.attribute_writes = lambda: [p.pid for p in team.processes]
        try:
            yield team
        finally:
            team.stop_all()
