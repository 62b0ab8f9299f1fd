"""Several teams mirroring into one fake GitHub with one token, run as real ``syncd`` processes;
and the figures of their pace as the fake saw it.

Each team has a repository and a postmortem folder of its own; every team file names the same
``${GITHUB_TOKEN}``, so all of them spend one account's budget. Used by the end-to-end tests and
by ``bench.github_sync``.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from syncd.http.budget import RATE_SCALE_ENV
from tests.e2e.workspaces import LABEL, LOGINS, write_postmortems
from tests.fakes.github.server import FakeGitHub, RecordedRequest
from tests.support import syncd_process
from tests.support.syncd_process import SyncdProcess

__all__ = ["GitHubTeams", "Pace", "pace_of"]

CREATE_ENDPOINT = "POST /repos/{owner}/{repo}/issues"
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
ITEMS_PER_DOCUMENT = 5


@dataclass
class GitHubTeams:
    root: Path
    fake: FakeGitHub
    rate_scale: float = 1.0
    database_url: str | None = None  # default: SQLite in the state directory
    names: list[str] = field(default_factory=list)

    @property
    def config(self) -> Path:
        return self.root / "config"

    def write(self, teams: int, items_per_team: int) -> int:
        """Team files, repositories and postmortems; the number of items in all."""
        folder = self.config / "teams"
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for index in range(teams):
            name = f"team-{index:02d}"
            repo = self.fake.state.add_repo(f"acme/{name}")
            for login in (*LOGINS.values(), self.fake.bot.login):
                self.fake.state.add_collaborator(repo, login)
            documents = max(1, items_per_team // ITEMS_PER_DOCUMENT)
            per_document = max(1, items_per_team // documents)
            total += write_postmortems(self.root / "docs" / name, documents, per_document)
            (folder / f"{name}.yaml").write_text(
                textwrap.dedent(f"""\
                    team: {name}
                    timezone: Europe/Berlin
                    sources:
                      - name: pm
                        type: markdown
                        path: ../../docs/{name}
                        url_template: "https://git.example.com/postmortems/{{path}}"
                    tracker:
                      type: github
                      repo: {repo.full_name}
                      api_url: {self.fake.url}
                      token: "${{GITHUB_TOKEN}}"
                      labels: [{LABEL}]
                    people:
                      alice: {{aliases: ["Alice Smith"], github: {LOGINS["alice"]}}}
                      bob: {{aliases: ["Bob Jones"], github: {LOGINS["bob"]}}}
                      carol: {{github: {LOGINS["carol"]}}}
                    """),
                encoding="utf-8",
            )
            self.names.append(name)
        return total

    def env(self) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(self.root / "state"),
            "SYNCD_LOG_FORMAT": "json",
            "GITHUB_TOKEN": self.fake.token,
            RATE_SCALE_ENV: repr(self.rate_scale),
        }
        if self.database_url is not None:
            env["SYNCD_DATABASE_URL"] = self.database_url
        return env

    def command(self, *extra: str) -> list[str]:
        """The arguments of ``python -m syncd`` for a sync of these teams."""
        return ["sync", "--config", str(self.config), *extra]

    def start_sync(self, team: str) -> SyncdProcess:
        """``syncd sync --team TEAM --json`` in a process of its own."""
        return syncd_process.popen(
            self.command("--team", team, "--json"),
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def finish(self, process: SyncdProcess, timeout: float = 600) -> Synced:
        out, err = process.communicate(timeout=timeout)
        try:
            teams: dict[str, Any] = json.loads(out)["teams"]
        except (ValueError, KeyError):
            raise AssertionError(
                f"syncd sync exited {process.returncode} without a result: "
                + err.decode(errors="replace")[-3000:]
            ) from None
        return Synced(process.returncode, teams, err.decode(errors="replace"))

    def sync_all(self, teams: Sequence[str] | None = None) -> list[Synced]:
        """One process per team, all at once; their results."""
        started = [self.start_sync(name) for name in teams or self.names]
        return [self.finish(p) for p in started]


@dataclass(frozen=True)
class Synced:
    status: int
    teams: dict[str, Any]
    stderr: str


@dataclass(frozen=True)
class Pace:
    """How a run looked from the server's side."""

    creates: int
    requests: int
    max_per_minute: int  # creates in any window of the fake's minute
    max_per_hour: int  # creates in any window of the fake's hour
    smallest_write_gap: float | None  # seconds between two writes' arrivals
    first_to_last: float  # seconds from the first create's arrival to the last's

    @property
    def requests_per_create(self) -> float:
        return self.requests / self.creates if self.creates else float("nan")


def pace_of(requests: Sequence[RecordedRequest], minute: float, hour: float) -> Pace:
    creates = sorted(r.at for r in requests if r.endpoint == CREATE_ENDPOINT and r.status == 201)
    writes = sorted(r.at for r in requests if r.method in WRITES)
    gaps = [b - a for a, b in itertools.pairwise(writes)]
    return Pace(
        creates=len(creates),
        requests=len(requests),
        max_per_minute=most_in_window(creates, minute),
        max_per_hour=most_in_window(creates, hour),
        smallest_write_gap=min(gaps) if gaps else None,
        first_to_last=creates[-1] - creates[0] if creates else 0.0,
    )


def most_in_window(times: Sequence[float], window: float) -> int:
    """The most events inside any half-open window ``(t - window, t]``."""
    most = 0
    start = 0
    for end, at in enumerate(times):
        while times[start] <= at - window:
            start += 1
        most = max(most, end - start + 1)
    return most
