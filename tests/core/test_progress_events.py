"""The progress events of a team's cycle: reading, matching, reading the tracker, mirroring n of
m, and waiting for a rate limit, against the fake Jira on a virtual clock."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from syncd.cli import streams
from syncd.cli.app import app
from syncd.config.loader import LoadedTeam, load_config
from syncd.cycle.progress import (
    Matching,
    Mirroring,
    ProgressEvent,
    ReadingSource,
    ReadingTracker,
    Waiting,
)
from syncd.cycle.team_cycle import TeamRun, sync_team
from syncd.store import StateStore
from tests.core.test_cli_sync import CHECKOUT, JIRA_TOKEN, write_team
from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira
from tests.http.fakes import EPOCH, VirtualClock

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
BULK_CREATE = "/rest/api/*/issue/bulk"

INCIDENT = """\
# Search outage

## Action items

- [ ] Page on indexer lag above 5 minutes @alice due 2026-12-01
"""


@pytest.fixture
def team(tmp_path: Path, fake_jira: FakeJira) -> LoadedTeam:
    fake_jira.state.add_user("alice@example.com", "Alice Smith")
    fake_jira.state.add_user("bob@example.com", "Bob Jones")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-09-14-checkout.md").write_text(CHECKOUT, encoding="utf-8")
    (docs / "2026-10-02-search.md").write_text(INCIDENT, encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=fake_jira.url)
    loaded = load_config(config, env={"JIRA_TOKEN": JIRA_TOKEN})
    assert not loaded.errors, loaded.errors
    [only] = loaded.teams
    return only


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    """SQLite only: the store's behaviour on PostgreSQL is not what these tests are about."""
    with StateStore.open(f"sqlite:///{tmp_path / 'state.db'}") as opened:
        opened.migrate()
        yield opened


def sync(
    team: LoadedTeam, store: StateStore, clock: VirtualClock, *, dry_run: bool = False
) -> tuple[TeamRun, list[ProgressEvent]]:
    events: list[ProgressEvent] = []
    run = sync_team(
        team,
        store,
        now=NOW,
        cache_dir=team.dir / "cache",
        dry_run=dry_run,
        progress=events.append,
        tracker_context={"http_clock": clock},
    )
    assert run.error is None, run.error
    return run, events


def test_a_first_mirror_reports_each_stage_and_the_rate_limit_wait_in_order(
    team: LoadedTeam, store: StateStore, fake_jira: FakeJira
) -> None:
    fake_jira.faults.on("POST", BULK_CREATE, Fault("429", retry_after=40))
    clock = VirtualClock()
    started = time.monotonic()

    run, events = sync(team, store, clock)

    assert run.tracker is not None and run.tracker.outcome is not None
    assert run.tracker.outcome.created == 4
    assert events == [
        ReadingSource("payments", "pm", 0),
        ReadingSource("payments", "pm", 1),
        ReadingSource("payments", "pm", 2),
        ReadingTracker("payments", "jira"),  # a new store: the marked issues, read whole
        Matching("payments", 2),
        ReadingTracker("payments", "jira"),
        Mirroring("payments", "jira", 0, 4),
        # Nothing was slept before the 429, so the wait ends 40 s after the clock's start.
        Waiting(
            "payments",
            "jira",
            until=datetime.fromtimestamp(EPOCH + 40, UTC),
            rate_limit=True,
            reason="HTTP 429",
        ),
        Mirroring("payments", "jira", 4, 4),
    ]
    assert sum(clock.slept) >= 40  # waited out, in virtual time only
    assert time.monotonic() - started < 10


def test_a_cycle_with_nothing_to_write_reports_no_mirroring(
    team: LoadedTeam, store: StateStore
) -> None:
    sync(team, store, VirtualClock())
    _, events = sync(team, store, VirtualClock())
    assert [type(e) for e in events][-1] is ReadingTracker
    assert not any(isinstance(e, Mirroring | Waiting) for e in events)


def test_a_dry_run_reads_the_tracker_and_mirrors_nothing(
    team: LoadedTeam, store: StateStore, fake_jira: FakeJira
) -> None:
    _, events = sync(team, store, VirtualClock(), dry_run=True)
    assert ReadingTracker("payments", "jira") in events
    assert not any(isinstance(e, Mirroring) for e in events)
    assert fake_jira.state.issues == {}


def test_a_retry_after_a_server_error_is_a_wait_but_not_a_rate_limit(
    team: LoadedTeam, store: StateStore, fake_jira: FakeJira
) -> None:
    fake_jira.faults.on("POST", "/rest/api/*/search/jql", Fault("502"), times=1)
    _, events = sync(team, store, VirtualClock())
    [wait] = [e for e in events if isinstance(e, Waiting)]
    assert (wait.rate_limit, wait.reason, wait.service) == (False, "HTTP 502", "jira")
    # Reported while reading the tracker, before any write.
    assert events.index(wait) > events.index(ReadingTracker("payments", "jira"))
    assert Mirroring("payments", "jira", 4, 4) in events


class TerminalConsoles:
    """The CLI's consoles, with stderr a terminal whose drawing a test can read."""

    def __init__(self) -> None:
        self.drawn = io.StringIO()
        self.printed = io.StringIO()
        self.out = Console(file=self.printed, width=160)
        self.err = Console(file=self.drawn, force_terminal=True, width=100, color_system=None)


def test_sync_on_a_terminal_draws_the_stages_and_leaves_stdout_alone(
    team: LoadedTeam, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    consoles = TerminalConsoles()
    monkeypatch.setattr(streams, "consoles", consoles)
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
    result = CliRunner().invoke(
        app, ["sync", "--config", str(team.file)], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    drawn = consoles.drawn.getvalue()
    # The last stage is drawn when the line stops: the team's four creates, all done.
    assert "payments: mirroring 4 of 4 into jira" in drawn
    assert "mirroring" not in consoles.printed.getvalue()


def test_sync_json_draws_no_progress(
    team: LoadedTeam, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    consoles = TerminalConsoles()
    monkeypatch.setattr(streams, "consoles", consoles)
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
    result = CliRunner().invoke(
        app, ["sync", "--config", str(team.file), "--json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    drawn = consoles.drawn.getvalue()  # (a test-only clock setting may leave its warning)
    assert "payments:" not in drawn and "mirroring" not in drawn
