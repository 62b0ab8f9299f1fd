"""Leases with fencing, with real processes frozen and resumed at chosen moments (issue 10,
point 7), on PostgreSQL, into the fake Jira and the fake GitHub.

A writer (a ``syncd run`` replica, or a ``syncd sync``) freezes itself at a named point
(``SYNCD_TEST_FREEZE_AT``) — before a create, with a create answered but not yet recorded (a
request in flight), in the middle of a batch, before an update — as a long pause or a stalled
VM would. Its lease runs out; another writer takes the team over under the next epoch and
does the work. When the first resumes, its next write, to the tracker or to the store, finds
the epoch moved on: it stops that cycle at once (``sync.team_lost``). No item gets a second
issue, and no stale text is pushed over a newer write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syncd.store import StateStore
from tests.e2e.writers_support import (
    TRACKER_TIMEOUT_SECONDS,
    Proc,
    TeamUnderTest,
    team_under_test,
    wait_for,
)
from tests.support.proofs import only_in_full_proofs

LEASE_SECONDS = 2
CONNECT_TIMEOUT_SECONDS = 5  # the HTTP policy's
SETTLE_AFTER = timedelta(seconds=LEASE_SECONDS + TRACKER_TIMEOUT_SECONDS + CONNECT_TIMEOUT_SECONDS)
FENCED = {"SYNCD_LEASE_SECONDS": str(LEASE_SECONDS), "SYNCD_TEAM_LOCK_WAIT": "60"}

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["jira", "github"])
def tracker(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[StateStore]:
    with StateStore.open(postgres_url) as store:
        store.migrate()
        yield store


def assert_exactly_once(team: TeamUnderTest, items: int) -> None:
    assert team.duplicates() == {}, team.forensics()
    assert len(team.per_marker()) == items and team.issue_count() == items


def assert_fenced_off(frozen: Proc) -> None:
    """The resumed writer noticed it lost the team and stopped that cycle."""
    wait_for(
        f"{frozen.name} to log that it lost the team",
        lambda: frozen.logged("sync.team_lost") or frozen.process.poll() is not None,
    )
    lost = frozen.logged("sync.team_lost")
    assert lost, frozen.stderr()[-3000:]
    assert "lost the lease team:payments" in lost[0]["error"]


def lease_taken_from(store: StateStore, frozen: Proc) -> bool:
    lease = store.lease("team:payments")
    return lease is not None and f":{frozen.pid}:" not in lease.holder


def intents_ripe(store: StateStore) -> bool:
    """Every open intent is old enough for a new holder to settle it by marker search."""
    intents = store.open_intents("payments")
    now = datetime.now(UTC)
    return bool(intents) and all(i.started_at + SETTLE_AFTER < now for i in intents)


def created(proc: Proc) -> int:
    count: int = json.loads(proc.stdout())["teams"]["payments"]["created"]
    return count


# CI runs each pair of commands on one tracker; the full proofs on both.
IN_CI = {("run", "sync"): "github", ("sync", "sync"): "jira", ("run", "run"): "jira"}


@pytest.mark.parametrize(("frozen_command", "takeover_command"), list(IN_CI))
def test_frozen_before_a_create_the_writer_creates_nothing_after_a_takeover(
    tmp_path: Path, tracker: str, postgres_url: str, frozen_command: str, takeover_command: str
) -> None:
    only_in_full_proofs(
        IN_CI[(frozen_command, takeover_command)] == tracker,
        "CI runs this pair of commands on the other tracker",
    )
    items = 6
    with team_under_test(tmp_path, tracker, postgres_url, documents=2, items=3) as team:
        extra = ("--json",) if frozen_command == "sync" else ()
        frozen = team.start(
            frozen_command, "frozen", *extra, SYNCD_TEST_FREEZE_AT="tracker_write:1", **FENCED
        )
        frozen.wait_frozen()
        assert team.issue_count() == 0
        with StateStore.open(postgres_url) as store:
            # Its intents were recorded; they settle once older than lease + tracker timeout.
            wait_for("the frozen writer's intents to be old enough", lambda: intents_ripe(store))
            if takeover_command == "sync":
                takeover = team.sync("takeover", **FENCED)
                assert takeover.finish() == 0, takeover.stderr()[-3000:]
                assert created(takeover) == items
            else:  # a second replica takes the team over from the frozen one
                takeover = team.start("run", "takeover", **FENCED)
                wait_for(  # its first cycle: started, migrated, lease taken, synced
                    "the new replica to mirror every item",
                    lambda: len(team.per_marker()) == items,
                    timeout=180,
                )
            assert takeover.logged("mirror.intents_settling")
        frozen.resume()
        assert_fenced_off(frozen)
        if frozen_command == "sync":
            assert frozen.finish() == 1
        assert_exactly_once(team, items)
        if takeover_command == "run":
            takeover.stop()
        if frozen_command == "run":
            frozen.stop()  # resumed, it holds the team again: the next sync would wait it out
        after = team.sync("after", **FENCED)
        assert after.finish() == 0, after.stderr()[-3000:]
        assert created(after) == 0
        assert_exactly_once(team, items)


def test_a_create_in_flight_is_left_alone_then_settled_by_its_marker(
    tmp_path: Path, tracker: str, postgres_url: str
) -> None:
    """Frozen with its first create answered but not recorded: the new holder leaves the open
    intent alone while the request could still land, then finds the issue by its marker and
    links it; the old holder, resumed, cannot record its answer any more."""
    items = 6
    with team_under_test(tmp_path, tracker, postgres_url, documents=2, items=3) as team:
        frozen = team.start("run", "frozen", SYNCD_TEST_FREEZE_AT="create_answered:1", **FENCED)
        frozen.wait_frozen()
        made_by_frozen = team.issue_count()
        assert made_by_frozen >= 1  # the tracker has them; the store does not know their keys
        with StateStore.open(postgres_url) as store:
            recorded = [i.started_at for i in store.open_intents("payments")]
            assert recorded, "the frozen replica's intents should be open"
            wait_for("the frozen replica's lease to run out", lambda: _expired(store))
            early = team.sync("early", **FENCED)
            assert early.finish() == 0, early.stderr()[-3000:]
            assert team.duplicates() == {}
            _assert_settled_by_age(early, recorded)
            if store.open_intents("payments"):
                wait_for("the frozen replica's intents to settle", lambda: intents_ripe(store))
                late = team.sync("late", **FENCED)
                assert late.finish() == 0, late.stderr()[-3000:]
                assert late.logged("mirror.intents_settling")
            assert store.open_intents("payments") == []
            links = store.links("payments")
        frozen.resume()
        assert_fenced_off(frozen)
        assert_exactly_once(team, items)
        # The issues the frozen replica created are the ones linked: found by their markers.
        assert len(links) == items


def test_frozen_mid_batch_the_rest_of_the_batch_is_created_once(
    tmp_path: Path, tracker: str, postgres_url: str
) -> None:
    # GitHub: one request per issue, frozen before the third. Jira: a bulk request per 50,
    # frozen before the second batch.
    documents, per_document = (11, 5) if tracker == "jira" else (2, 3)
    items = documents * per_document
    freeze = "create_request:2" if tracker == "jira" else "tracker_write:3"
    with team_under_test(
        tmp_path, tracker, postgres_url, documents=documents, items=per_document
    ) as team:
        frozen = team.start("run", "frozen", SYNCD_TEST_FREEZE_AT=freeze, **FENCED)
        frozen.wait_frozen()
        before = team.issue_count()
        assert 0 < before < items
        with StateStore.open(postgres_url) as store:
            wait_for("the frozen replica's lease to run out", lambda: _expired(store))
            # Its intents for the batch in hand are open: they settle, then are created.
            wait_for("its intents to settle", lambda: intents_ripe(store))
            takeover = team.sync("takeover", **FENCED)
            assert takeover.finish() == 0, takeover.stderr()[-3000:]
            assert created(takeover) == items - before
            assert lease_taken_from(store, frozen) or store.leases() == []
        frozen.resume()
        assert_fenced_off(frozen)
        assert_exactly_once(team, items)


def test_frozen_mid_update_no_stale_text_is_pushed(
    tmp_path: Path, tracker: str, postgres_url: str
) -> None:
    items = 6
    with team_under_test(tmp_path, tracker, postgres_url, documents=2, items=3) as team:
        assert created(team.sync("first", **FENCED)) == items
        document = next(team.docs.glob("*incident-0.md"))
        original = document.read_text(encoding="utf-8")
        old = "Cap consumer 0-1 concurrency at 11 workers"
        assert old in original
        document.write_text(original.replace(old, old + " per shard"), encoding="utf-8")
        frozen = team.start(
            "sync", "frozen", "--json", SYNCD_TEST_FREEZE_AT="tracker_write:1", **FENCED
        )
        frozen.wait_frozen()  # about to push "per shard"
        document.write_text(original.replace(old, old + " per shard and region"), encoding="utf-8")
        takeover = team.sync("takeover", **FENCED)
        assert takeover.finish() == 0, takeover.stderr()[-3000:]
        assert _versions(team, old) == ["per shard and region"]
        frozen.resume()
        assert_fenced_off(frozen)
        assert frozen.finish() == 1
        assert _versions(team, old) == ["per shard and region"]  # not the stale "per shard"
        assert_exactly_once(team, items)


def _expired(store: StateStore) -> bool:
    lease = store.lease("team:payments")
    return lease is not None and lease.expires_at < datetime.now(UTC)


def _versions(team: TeamUnderTest, old: str) -> list[str]:
    """What follows ``old`` in each issue title holding it, the owner named after it cut."""
    return [t.split(old, 1)[1].replace("Bob Jones", "").strip() for t in team.titles() if old in t]


def _assert_settled_by_age(writer: Proc, recorded: list[datetime]) -> None:
    """The new holder left alone exactly the intents younger than the settling age when it
    looked (an intent within a second of that age either way may have gone either way)."""
    events = writer.logged("mirror.intents_left_to_settle") + writer.logged(
        "mirror.intents_settling"
    )
    assert events, writer.stderr()[-3000:]
    looked_at = min(datetime.fromisoformat(e["timestamp"]) for e in events)
    margin = timedelta(seconds=1)
    young = [t for t in recorded if t + SETTLE_AFTER > looked_at + margin]
    ripe = [t for t in recorded if t + SETTLE_AFTER < looked_at - margin]
    if young:
        assert writer.logged("mirror.intents_left_to_settle")
    if ripe:
        assert writer.logged("mirror.intents_settling")
    if len(young) == len(recorded):
        assert not writer.logged("mirror.intents_settling")
