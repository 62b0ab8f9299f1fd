"""Shared pieces of the service proofs: teams against the fake Jira, a chat receiver, logs."""

from __future__ import annotations

import json
import os
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.fakes.jira.server import FakeJira
from tests.http.loopback import Loopback
from tests.support import syncd_process

CLI_TIMEOUT = 120  # seconds; a CLI run against loopback fakes takes a few


def write_documents(folder: Path, prefix: str, items: tuple[int, ...]) -> int:
    """One small postmortem per entry of ``items``, with that many open action items."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc, count in enumerate(items):
        lines = [
            "---",
            f"title: {prefix} incident {doc}",
            f"date: 2026-10-{1 + doc:02d}",
            "---",
            f"# {prefix} incident {doc}",
            "",
            "## Action items",
            "",
        ]
        lines += [
            f"- [ ] Add a {prefix} alert for queue {doc}-{n} lag above {10 + n} minutes "
            f"due 2026-12-{1 + n:02d}"
            for n in range(count)
        ]
        (folder / f"2026-10-{1 + doc:02d}-incident-{doc}.md").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return sum(items)


def write_jira_team(
    config: Path,
    docs: Path,
    *,
    team: str,
    jira: FakeJira,
    project: str,
    channels: list[str],
    schedule: str = "* * * * *",
) -> None:
    """A team file mirroring ``docs`` into ``project`` of the fake Jira, its token and every
    channel's webhook URL taken from the environment (as real secrets are)."""
    teams = config / "teams"
    teams.mkdir(parents=True, exist_ok=True)
    channel_lines = "".join(f"    - {channel}\n" for channel in channels)
    (teams / f"{team}.yaml").write_text(
        textwrap.dedent(f"""\
            team: {team}
            timezone: UTC
            sources: [{{name: pm, type: markdown, path: {docs}}}]
            tracker:
              type: jira
              url: {jira.url}
              auth: {{email: {jira.email}, token: "${{JIRA_TOKEN}}"}}
              project: {project}
              labels: [postmortem-action]
            digest:
              schedule: "{schedule}"
              channels:
            """)
        + channel_lines,
        encoding="utf-8",
    )


def base_env(state: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SYNCD_STATE_DIR": str(state),
        "SYNCD_LOG_FORMAT": "json",
    }


@dataclass(frozen=True)
class Finished:
    command: str
    code: int
    stdout: str
    stderr: str


def run_cli(config: Path, env: dict[str, str], *args: str) -> Finished:
    done = syncd_process.run(
        [*args, "--config", str(config)],
        env=env,
        capture_output=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    return Finished(
        " ".join(args),
        done.returncode,
        done.stdout.decode(errors="replace"),
        done.stderr.decode(errors="replace"),
    )


def log_events(stderr: str) -> list[dict[str, object]]:
    """Every stderr line as a JSON log record; a line that is not JSON fails the test (but
    the plain warning that a test-only setting is in the environment)."""
    events = []
    for number, line in enumerate(stderr.splitlines(), 1):
        if line.startswith("warning: ") and "unset it in production" in line:
            continue
        if line.strip():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                # Name the line, never show it: it may be the very leak being looked for.
                raise AssertionError(f"stderr line {number} is not a JSON log record") from None
    return events


def posts_by_path(receiver: Loopback) -> dict[str, list[dict[str, object]]]:
    """The JSON bodies the receiver got, by request path."""
    found: dict[str, list[dict[str, object]]] = {}
    for received in list(receiver.received):
        if received.method == "POST":
            found.setdefault(received.path, []).append(json.loads(received.body))
    return found


def minute_slot(generated_at: str) -> datetime:
    """The every-minute schedule slot a digest (``webhook`` JSON) was built for."""
    at = datetime.fromisoformat(generated_at).astimezone(UTC)
    return at.replace(second=0, microsecond=0)
