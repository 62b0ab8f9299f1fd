"""The mirror executor on the real state store (SQLite and PostgreSQL) and an in-memory tracker."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from syncd.execute.mirror_team import MirrorOutcome, mirror_team
from syncd.mirror.model import IssueFields
from syncd.model import ExtractedDocument, Postmortem, RawItem
from syncd.reconcile.team_items import SourceOutcome, TeamItems, build_team_items
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy
from syncd.store import StateStore
from tests.core.memory_tracker import MemoryTracker

TEAM = "payments"
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
PEOPLE = PeopleDirectory(
    [
        Person("alice", aliases=("Alice Smith",), handles={"jira": "acc-alice"}),
        Person("bob", handles={"jira": "acc-bob"}),
    ]
)
POLICY = ResolvePolicy(due_days={"default": 56})


def document(*items: RawItem, path: str = "2026-09-14-checkout.md") -> ExtractedDocument:
    pm = Postmortem(
        "pm",
        path,
        "Checkout outage",
        date(2026, 9, 14),
        "front_matter",
        url=f"https://git.example/{path}",
    )
    return ExtractedDocument(pm, items)


ITEMS = [
    RawItem(
        f"Add an alert on queue {n} depth above 1000",
        "Action Items",
        10 + n,
        owner_text="@alice",
        due_text="2026-12-01",
    )
    for n in range(120)
]


@pytest.fixture
def store(migrated_store_url: str) -> Iterator[StateStore]:
    with StateStore.open(migrated_store_url) as opened:
        opened.migrate()
        yield opened


def read(store: StateStore, *docs: ExtractedDocument) -> TeamItems:
    return build_team_items(
        TEAM,
        [SourceOutcome("pm", docs)],
        store.known_items(TEAM),
        {},
        today=NOW.date(),
        people=PEOPLE,
        policy=POLICY,
    )


def cycle(
    store: StateStore, tracker: MemoryTracker, *docs: ExtractedDocument, dry_run: bool = False
) -> MirrorOutcome:
    reading = read(store, *docs)
    previous = {k.id: k.status for k in store.known_items(TEAM)}
    if not dry_run:
        store.save_items(TEAM, reading.items, seen_at=NOW)
    return mirror_team(
        team=TEAM,
        reading=reading,
        previous_status=previous,
        store=store,
        tracker=tracker,
        people=PEOPLE,
        mirror_done_items=False,
        now=NOW,
        dry_run=dry_run,
    )


def test_first_cycle_creates_each_item_once_and_the_second_writes_nothing(
    store: StateStore,
) -> None:
    tracker = MemoryTracker()
    first = cycle(store, tracker, document(*ITEMS))
    assert first.created == 120 and first.problems == []
    assert tracker.calls.count("create") == 3  # bulk, 50 per request
    assert len(tracker.issues) == 120
    issue = tracker.issues["PAY-1"]
    assert issue.fields.assignee == "acc-alice" and issue.fields.due == date(2026, 12, 1)
    assert issue.fields.labels == frozenset({"postmortem-action"})
    assert issue.links  # the remote link back to the postmortem
    tracker.calls.clear()
    second = cycle(store, tracker, document(*ITEMS))
    assert (second.created, second.updated, second.adopted) == (0, 0, 0)
    assert second.unchanged == 120
    assert "create" not in tracker.calls and "update" not in tracker.calls
    assert store.open_intents(TEAM) == []


def test_a_lost_answer_leaves_intents_that_the_next_cycle_resolves_without_duplicates(
    store: StateStore,
) -> None:
    tracker = MemoryTracker()
    tracker.lose_next_create_answer = True
    first = cycle(store, tracker, document(*ITEMS[:10]))
    assert first.created == 0 and len(tracker.issues) == 10
    assert len(store.open_intents(TEAM)) == 10
    second = cycle(store, tracker, document(*ITEMS[:10]))
    assert second.created == 0
    assert len(tracker.issues) == 10
    assert store.open_intents(TEAM) == []
    assert len(store.links(TEAM)) == 10


def test_a_lost_state_store_adopts_every_marked_issue(
    store: StateStore, store_url: str, tmp_path: object
) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(*ITEMS[:20]))
    with StateStore.open(f"sqlite:///{tmp_path}/fresh.db") as fresh:  # the store was lost
        fresh.migrate()
        again = cycle(fresh, tracker, document(*ITEMS[:20]))
        assert again.created == 0 and again.adopted == 20
        assert len(tracker.issues) == 20
        assert len(fresh.links(TEAM)) == 20


def test_a_refused_element_is_reported_and_the_rest_created(store: StateStore) -> None:
    tracker = MemoryTracker()
    refused = read(store, document(*ITEMS[:5])).items[2].id
    tracker.refuse_items = {refused}
    outcome = cycle(store, tracker, document(*ITEMS[:5]))
    assert outcome.created == 4
    assert [p.item_id for p in outcome.problems] == [refused]
    tracker.refuse_items = set()
    assert cycle(store, tracker, document(*ITEMS[:5])).created == 1


def test_a_persons_change_survives_and_a_document_change_is_pushed(store: StateStore) -> None:
    tracker = MemoryTracker()
    items = ITEMS[:3]
    cycle(store, tracker, document(*items))
    tracker.person_edits("PAY-1", assignee="acc-bob", due=date(2027, 1, 15))
    assert cycle(store, tracker, document(*items)).updated == 0
    assert tracker.issues["PAY-1"].fields.assignee == "acc-bob"
    edited = [
        RawItem(
            items[1].title + " and page on-call",
            "Action Items",
            11,
            owner_text="@alice",
            due_text="2026-12-01",
        ),
        items[0],
        items[2],
    ]
    outcome = cycle(store, tracker, document(*edited))
    assert outcome.updated == 1
    assert tracker.issues["PAY-2"].fields.summary.endswith("and page on-call")
    assert tracker.issues["PAY-1"].fields.assignee == "acc-bob"  # still the person's choice
    assert cycle(store, tracker, document(*edited)).updated == 0


def test_a_change_on_both_sides_keeps_the_trackers_value_and_reports_it(store: StateStore) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(ITEMS[0]))
    tracker.person_edits("PAY-1", due=date(2027, 2, 1))
    moved = RawItem(ITEMS[0].title, "Action Items", 10, owner_text="@alice", due_text="2026-12-20")
    outcome = cycle(store, tracker, document(moved))
    assert tracker.issues["PAY-1"].fields.due == date(2027, 2, 1)
    assert any("due" in p.message and p.key == "PAY-1" for p in outcome.problems)


def test_status_is_read_back_and_wont_do_without_reason_is_reported(store: StateStore) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(*ITEMS[:2]))
    tracker.person_closes("PAY-1", "Done", comment=False)
    tracker.person_closes("PAY-2", "Won't Do", comment=False)
    outcome = cycle(store, tracker, document(*ITEMS[:2]))
    assert outcome.closed == 2
    links = store.links(TEAM)
    assert all(link.tracker_done for link in links.values())
    assert [p.key for p in outcome.problems] == ["PAY-2"]


def test_an_item_naming_an_issue_adopts_it(store: StateStore) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(ITEMS[0]))
    theirs = IssueFields("Analytics on a replica", "Filed by hand", None, None, "Low", frozenset())
    tracker.person_files("PAY-90", theirs)
    named = RawItem(
        "Move analytics to a replica",
        "Action Items",
        30,
        owner_text="@bob",
        tracker_refs=("PAY-90",),
    )
    outcome = cycle(store, tracker, document(ITEMS[0], named))
    assert outcome.created == 0 and outcome.adopted == 1
    assert len(tracker.issues) == 2
    adopted = tracker.issues["PAY-90"].fields
    assert (adopted.summary, adopted.description) == ("Analytics on a replica", "Filed by hand")


def test_an_item_naming_another_item_s_issue_is_held_and_reported(store: StateStore) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(ITEMS[0]))
    named = RawItem("Move analytics to a replica", "Action Items", 30, tracker_refs=("PAY-1",))
    outcome = cycle(store, tracker, document(ITEMS[0], named))
    assert outcome.created == outcome.adopted == 0 and len(tracker.issues) == 1
    (problem,) = outcome.problems
    assert "names PAY-1, but PAY-1 belongs to the item 'Add an alert on queue 0" in problem.message
    assert tracker.issues["PAY-1"].marker == tracker.marker(store.links(TEAM).popitem()[0])


def test_a_dry_run_writes_nothing(store: StateStore) -> None:
    tracker = MemoryTracker()
    outcome = cycle(store, tracker, document(*ITEMS[:7]), dry_run=True)
    assert outcome.plan is not None and outcome.plan.counts.created == 7
    assert tracker.issues == {} and store.links(TEAM) == {}
    assert store.open_intents(TEAM) == []


def test_orphaned_items_are_reported_and_their_issues_left_alone(store: StateStore) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(*ITEMS[:3]))
    outcome = cycle(store, tracker, document(*ITEMS[:2]))
    assert [p.key for p in outcome.problems] == ["PAY-3"]
    assert tracker.issues["PAY-3"].status_category == "new"


def test_an_issue_is_created_without_an_assignee_the_tracker_refuses(store: StateStore) -> None:
    tracker = MemoryTracker()
    tracker.refuse_assignees = {"acc-alice"}
    outcome = cycle(store, tracker, document(*ITEMS[:3]))
    assert outcome.created == 3 and len(tracker.issues) == 3
    assert all(i.fields.assignee is None for i in tracker.issues.values())
    assert len(outcome.problems) == 3 and "created without it" in outcome.problems[0].message
    again = cycle(store, tracker, document(*ITEMS[:3]))
    assert again.updated == 0 and tracker.updates == []  # the refused assignee is not pushed again


def test_a_persons_change_is_recorded_as_activity_but_syncds_own_writes_are_not(
    store: StateStore,
) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(*ITEMS[:2]))
    assert all(link.last_activity is None for link in store.links(TEAM).values())
    tracker.person_edits("PAY-1", due=date(2027, 1, 31))
    cycle(store, tracker, document(*ITEMS[:2]))
    links = {link.key: link for link in store.links(TEAM).values()}
    assert links["PAY-1"].last_activity == tracker.issues["PAY-1"].updated
    assert links["PAY-2"].last_activity is None


def test_items_whose_issue_could_not_be_written_are_named(store: StateStore) -> None:
    tracker = MemoryTracker()
    refused = read(store, document(*ITEMS[:3])).items[1].id
    tracker.refuse_items = {refused}
    outcome = cycle(store, tracker, document(*ITEMS[:3]))
    assert outcome.failed_items == {refused}


def test_the_trackers_assignee_is_recorded_as_people_change_it(store: StateStore) -> None:
    tracker = MemoryTracker()
    tracker.user_names = {"acc-alice": "Alice Smith", "acc-bob": "Bob Builder"}
    cycle(store, tracker, document(*ITEMS[:2]))
    # Created with alice as assignee; the name comes when the issue is next read.
    assert {(link.assignee, link.assignee_name) for link in store.links(TEAM).values()} == {
        ("acc-alice", None)
    }
    cycle(store, tracker, document(*ITEMS[:2]))
    tracker.person_edits("PAY-1", assignee="acc-bob")
    before = {k: (link.assignee, link.assignee_name) for k, link in store.links(TEAM).items()}
    cycle(store, tracker, document(*ITEMS[:2]), dry_run=True)  # a dry run records nothing
    assert {
        k: (link.assignee, link.assignee_name) for k, link in store.links(TEAM).items()
    } == before
    outcome = cycle(store, tracker, document(*ITEMS[:2]))
    assert outcome.updated == 0  # a person's change is kept, not overwritten
    by_key = {link.key: link for link in store.links(TEAM).values()}
    assert (by_key["PAY-1"].assignee, by_key["PAY-1"].assignee_name) == ("acc-bob", "Bob Builder")
    assert by_key["PAY-2"].assignee == "acc-alice"
    cycle(store, tracker, document(*ITEMS[:2]))  # nothing read: what was recorded stays
    assert store.links(TEAM)[by_key["PAY-1"].item_id].assignee_name == "Bob Builder"
    tracker.person_edits("PAY-1", assignee=None)
    cycle(store, tracker, document(*ITEMS[:2]))
    assert store.links(TEAM)[by_key["PAY-1"].item_id].assignee is None


def test_an_issue_of_an_item_gone_from_its_document_is_still_that_item_s(
    store: StateStore,
) -> None:
    tracker = MemoryTracker()
    cycle(store, tracker, document(ITEMS[0]))
    named = RawItem("Page on queue depth instead", "Action Items", 30, tracker_refs=("PAY-1",))
    outcome = cycle(store, tracker, document(named))
    assert outcome.created == outcome.adopted == 0
    [held] = [p for p in outcome.problems if p.details.get("reason") == "claimed"]
    assert (
        "PAY-1 belongs to the item 'Add an alert on queue 0 depth above 1000' "
        "(2026-09-14-checkout.md line 10, gone from its document)"
    ) in held.message


def test_a_spent_budget_defers_the_rest_reads_nothing_more_and_the_next_cycle_resumes(
    store: StateStore,
) -> None:
    tracker = MemoryTracker()
    tracker.budget_left = 70  # one batch of 50, then 20 of the next
    first = cycle(store, tracker, document(*ITEMS))
    assert first.created == 70 and len(tracker.issues) == 70
    assert first.deferred is not None
    assert (first.deferred.items, first.deferred.limit) == (50, "GitHub's hourly limit")
    assert first.failed_items == set() and first.problems == []  # deferred is not failed
    # Two create requests and one duplicate check for the cycle: nothing for the third batch.
    assert tracker.calls.count("create") == 2
    assert tracker.calls.count("find_markers") == 1
    assert store.open_intents(TEAM) == []  # what was not sent leaves no intent behind

    tracker.budget_left = None
    second = cycle(store, tracker, document(*ITEMS))
    assert second.created == 50 and second.deferred is None
    assert len(tracker.issues) == 120 and len(store.links(TEAM)) == 120


def test_a_failed_duplicate_check_is_reported_and_the_cycle_records_what_it_made(
    store: StateStore,
) -> None:
    tracker = MemoryTracker()
    tracker.fail_marker_search = True
    outcome = cycle(store, tracker, document(*ITEMS[:5]))
    assert outcome.created == 5 and outcome.stopped is None
    [problem] = outcome.problems
    assert problem.message.startswith("checking new issues for duplicates")
    assert len(store.bases(TEAM)) == 5


class _WriteLog(StateStore):
    """The store, noting which of its public writes a cycle makes, in order."""

    writes: list[str]

    def save_links(self, *args: Any, **kwargs: Any) -> None:
        self.writes.append("save_links")
        super().save_links(*args, **kwargs)

    def save_bases(self, *args: Any, **kwargs: Any) -> None:
        self.writes.append("save_bases")
        super().save_bases(*args, **kwargs)

    def save_cursor(self, *args: Any, **kwargs: Any) -> None:
        self.writes.append("save_cursor")
        super().save_cursor(*args, **kwargs)

    def record_mirror_state(self, *args: Any, **kwargs: Any) -> None:
        self.writes.append("record_mirror_state")
        super().record_mirror_state(*args, **kwargs)

    def begin_intents(self, *args: Any, **kwargs: Any) -> frozenset[str]:
        self.writes.append("begin_intents")
        return super().begin_intents(*args, **kwargs)

    def complete_intent(self, *args: Any, **kwargs: Any) -> None:
        self.writes.append("complete_intent")
        super().complete_intent(*args, **kwargs)


def test_a_cycle_s_bookkeeping_is_one_write_after_the_intent_protocol_s_own(
    migrated_store_url: str,
) -> None:
    with _WriteLog.open(migrated_store_url) as store:
        store.migrate()
        store.writes = []
        tracker = MemoryTracker()
        first = cycle(store, tracker, document(*ITEMS[:3]))
        assert first.created == 3
        # Each create under its intent, completed one by one; the rest once, at the end.
        assert store.writes == ["begin_intents", *["complete_intent"] * 3, "record_mirror_state"]
        assert len(store.links(TEAM)) == 3 and len(store.bases(TEAM)) == 3
        store.writes.clear()
        tracker.issues["PAY-1"].fields = dataclasses.replace(
            tracker.issues["PAY-1"].fields, summary="Reworded by a person"
        )
        tracker.issues["PAY-1"].updated = tracker.tick()
        second = cycle(store, tracker, document(*ITEMS[:3]))
        assert second.created == 0
        assert store.writes == ["record_mirror_state"]
