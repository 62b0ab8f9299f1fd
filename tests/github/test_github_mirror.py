"""The mirror executor with the GitHub connector on the fake: the silent drop across cycles,
and an unchanged cycle costing one free 304."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from syncd.execute.mirror_team import MirrorOutcome, mirror_team
from syncd.model import ExtractedDocument, Postmortem, RawItem
from syncd.reconcile.team_items import SourceOutcome, build_team_items
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy
from syncd.store import StateStore
from tests.fakes.github.contract import validate_requests
from tests.fakes.github.server import FakeGitHub
from tests.github.support import VirtualClock, tracker_on

TEAM = "payments"
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
PEOPLE = PeopleDirectory(
    [Person("alice", handles={"github": "alice-gh"}), Person("bob", handles={"github": "bob-gh"})]
)
POLICY = ResolvePolicy(due_days={"default": 56})
PM = Postmortem(
    "pm", "2026-09-14-checkout.md", "Checkout outage", date(2026, 9, 14), "front_matter"
)
DOC = ExtractedDocument(
    PM,
    [
        RawItem("Add an alert on queue depth", "Action Items", 10, owner_text="@alice"),
        RawItem(
            "Fix the retry storm", "Action Items", 11, owner_text="@bob", due_text="2026-12-01"
        ),
    ],
)


@pytest.fixture
def store(store_url: str) -> Iterator[StateStore]:
    with StateStore.open(store_url) as opened:
        opened.migrate()
        yield opened


def cycle(store: StateStore, fake: FakeGitHub, clock: VirtualClock) -> MirrorOutcome:
    reading = build_team_items(
        TEAM,
        [SourceOutcome("pm", [DOC])],
        store.known_items(TEAM),
        {},
        today=NOW.date(),
        people=PEOPLE,
        policy=POLICY,
    )
    previous = {k.id: k.status for k in store.known_items(TEAM)}
    store.save_items(TEAM, reading.items, seen_at=NOW)
    tracker = tracker_on(fake, clock)
    try:
        return mirror_team(
            team=TEAM,
            reading=reading,
            previous_status=previous,
            store=store,
            tracker=tracker,
            people=PEOPLE,
            mirror_done_items=False,
            now=NOW,
            dry_run=False,
        )
    finally:
        tracker.close()


def test_dropped_assignee_is_reported_once_and_not_retried(
    store: StateStore, fake_github: FakeGitHub
) -> None:
    clock = VirtualClock()
    fake_github.state.clock = clock
    fake_github.state.add_collaborator(fake_github.repo, "alice-gh")  # bob-gh is not one
    first = cycle(store, fake_github, clock)
    assert first.created == 2
    dropped = [p for p in first.problems if "created without its assignee" in p.message]
    assert len(dropped) == 1 and "bob-gh is not a collaborator of acme/payments" in (
        dropped[0].message
    )
    clock.advance(60)
    second = cycle(store, fake_github, clock)
    assert second.created == second.updated == 0
    assert not [p for p in second.problems if "assignee" in p.message]
    assert not [r for r in fake_github.requests if r.method == "PATCH"]  # never retried
    # Third cycle: nothing changed, one request, a free 304.
    fake_github.clear_requests()
    third = cycle(store, fake_github, clock)
    assert third.problems == [] and third.unchanged == 2
    assert [(r.method, r.status) for r in fake_github.requests] == [("GET", 304)]
    assert validate_requests(fake_github.requests) == []
