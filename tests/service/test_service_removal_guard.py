"""``syncd run --confirm-removal``: the service confirms the mass removal that its first cycle
of a team finds held, and holds any later one again (``syncd.cycle.removal_guard``)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from syncd.store import StateStore
from tests.core.test_cli_removal_guard import DOCUMENTS, ITEMS_PER_DOCUMENT, _postmortem
from tests.core.test_cli_sync import JIRA_TOKEN, write_team
from tests.fakes.jira.server import FakeJira
from tests.service.in_process import service_in_process


def _orphaned(url: str) -> int:
    with StateStore.open(url) as store:
        return sum(1 for i in store.stored_items("payments") if i.orphaned_at is not None)


def _await_cycle(url: str, after: int) -> int:
    """Wait for the team's cycle after run ``after`` to finish (the scheduler starts the first
    at once); its run id."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with StateStore.open(url) as store:
            run = store.last_run("payments")
        if run is not None and run.id > after and run.finished_at is not None:
            return run.id
        time.sleep(0.05)  # polling the store, with a deadline
    raise AssertionError("the service's first cycle did not finish within 60 s")


def _held_cycles(url: str) -> int:
    with StateStore.open(url) as store:
        return store.source_reads("payments")["pm"].held_cycles


def test_run_confirms_what_its_first_cycle_finds_held_and_nothing_later(
    tmp_path: Path, fake_jira: FakeJira
) -> None:
    fake_jira.state.add_user("alice@example.com", "Alice Smith")
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(DOCUMENTS):
        (docs / f"incident-{number}.md").write_text(_postmortem(number), encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=fake_jira.url)
    url = f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}

    # The scheduler runs each team's first cycle at once, the next an hour later; the test
    # runs the cycles between itself.
    hourly = timedelta(hours=1)
    with service_in_process(config, env, database_url=url, interval=hourly) as running:
        first = _await_cycle(url, 0)
        for number in range(3):  # 60 %: held
            (docs / f"incident-{number}.md").unlink()
        running.service.sync_team("payments")
        assert running.metric("syncd_sources_removal_held", team="payments") == 1
    assert (_orphaned(url), _held_cycles(url)) == (0, 1)

    with service_in_process(
        config, env, database_url=url, interval=hourly, confirm_removal=frozenset({"pm"})
    ) as running:
        _await_cycle(url, first + 1)  # the first cycle: confirmed
        assert (_orphaned(url), _held_cycles(url)) == (3 * ITEMS_PER_DOCUMENT, 0)
        assert running.metric("syncd_sources_removal_held", team="payments") == 0
        for number in (3, 4):  # the rest goes too: held again, the flag is spent
            (docs / f"incident-{number}.md").unlink()
        running.service.sync_team("payments")
        assert (_orphaned(url), _held_cycles(url)) == (3 * ITEMS_PER_DOCUMENT, 1)
