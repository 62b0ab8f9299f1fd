"""PostgreSQL's (and any store's) one writer per team through the team's lease: a command
takes it, renews it while it works, gives it back; a second writer waits, then names the
holder; a writer whose lease moved on is refused by its guard and its fenced store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syncd.config.loader import load_config
from syncd.cycle.team_cycle import sync_team
from syncd.fencing import LeaseLostError
from syncd.store import StateStore
from syncd.writers import TeamBusyError
from syncd.writers.lease_writer import take_lease_writer
from syncd.writers.take import holder_name, wall_now
from tests.core.test_cli_sync import JIRA_TOKEN, write_team

PERIOD = timedelta(seconds=30)


def test_a_command_takes_the_team_and_gives_it_back(store: StateStore) -> None:
    writer = take_lease_writer(
        store,
        "payments",
        holder="host-a:4242:abc",
        command="sync",
        period=PERIOD,
        wait=timedelta(0),
        clock=wall_now,
    )
    assert writer.fence is not None and writer.fence.epoch == 1
    lease = store.lease("team:payments")
    assert lease is not None and (lease.holder_command, lease.holder) == ("sync", "host-a:4242:abc")
    writer.guard()  # held: no error
    writer.release()
    assert store.leases() == []


def test_a_second_writer_names_the_replica_holding_the_team(store: StateStore) -> None:
    since = wall_now()
    assert store.take_lease(
        "team:payments", holder="node-7:99:f00", at=since, duration=PERIOD, command="run"
    )
    with pytest.raises(TeamBusyError) as caught:
        take_lease_writer(
            store,
            "payments",
            holder=holder_name(),
            command="sync",
            period=PERIOD,
            wait=timedelta(seconds=0.3),
            clock=wall_now,
        )
    message = str(caught.value)
    assert "team payments is being written by `syncd run` (pid 99 on node-7, since " in message
    assert "waited 0.3 s" in message


def test_a_writer_whose_lease_was_taken_over_is_refused_everywhere(store: StateStore) -> None:
    clock_now = [datetime(2026, 12, 3, 9, 0, tzinfo=UTC)]
    writer = take_lease_writer(
        store,
        "payments",
        holder="a:1:x",
        command="sync",
        period=PERIOD,
        wait=timedelta(0),
        clock=lambda: clock_now[0],
    )
    try:
        assert writer.fence is not None
        fenced = store.fenced(writer.fence)
        # Paused past its lease: another writer takes the team over.
        later = clock_now[0] + PERIOD + timedelta(seconds=1)
        assert store.take_lease("team:payments", holder="b:2:y", at=later, duration=PERIOD) == 2
        with pytest.raises(LeaseLostError, match="now held by b:2:y"):
            writer.guard()
        with pytest.raises(LeaseLostError):
            fenced.start_run("payments", at=later)
    finally:
        writer.release()  # gives back nothing: the lease is b's
    lease = store.lease("team:payments")
    assert lease is not None and lease.holder == "b:2:y" and lease.released_at is None


def test_a_cycle_whose_team_moved_on_before_it_started_ends_in_words(
    store: StateStore, tmp_path: Path
) -> None:
    """Lost while it waited for the store (a pause, a lock): the cycle's very first write
    is refused, and the cycle ends as ``sync.team_lost``, never with a traceback."""
    config = tmp_path / "config"
    write_team(config, docs=tmp_path / "docs", jira="http://127.0.0.1:9")
    loaded = load_config(config, env={"JIRA_TOKEN": JIRA_TOKEN})
    [team] = loaded.teams
    clock_now = [datetime(2026, 12, 3, 9, 0, tzinfo=UTC)]
    writer = take_lease_writer(
        store,
        "payments",
        holder="a:1:x",
        command="sync",
        period=PERIOD,
        wait=timedelta(0),
        clock=lambda: clock_now[0],
    )
    try:
        later = clock_now[0] + PERIOD + timedelta(seconds=1)
        assert store.take_lease("team:payments", holder="b:2:y", at=later, duration=PERIOD) == 2
        run = sync_team(
            team, store, now=later, cache_dir=tmp_path / "cache", dry_run=False, writer=writer
        )
    finally:
        writer.release()
    assert run.error is not None and "lost the lease team:payments" in run.error
    assert store.last_run("payments") is None  # nothing of the cycle was written
