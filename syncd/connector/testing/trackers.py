"""The standard suite of a tracker connector: markers, exactly-once creation, unknown outcomes,
never clearing a field (nor an assignee it cannot name), rate limits, garbage answers, secrets."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from datetime import date
from typing import Literal

import pytest

from syncd.connector.http import AmbiguousWriteError, HttpError
from syncd.connector.settings import ConnectorSettings
from syncd.connector.testing.clock import VirtualClock
from syncd.connector.testing.secrets import assert_secrets_masked
from syncd.connector.tracker import CreateIssue, IssueFields, Person, Tracker, TrackerContext

__all__ = ["GARBAGE", "Garbage", "TrackerHarness", "TrackerSuite", "item_id"]

TEAM = "payments"

# Answers that are not the tracker's, as a login proxy or a gateway gives them with a 200: a
# sign-in page, JSON cut in half, JSON without any field the real answer has.
Garbage = Literal["html", "truncated_json", "json_without_keys"]
GARBAGE: tuple[Garbage, ...] = ("html", "truncated_json", "json_without_keys")


def item_id(n: int) -> str:
    """An id shaped like syncd's: 16 hex digits."""
    return f"{n:016x}"


class TrackerHarness(ABC):
    """How the suite builds a tracker on a fake server and makes that server misbehave once."""

    @abstractmethod
    def tracker(self, context: TrackerContext) -> Tracker:
        """A tracker of the fake server, built with the suite's context (its clock)."""

    @abstractmethod
    def lose_next_create_answer(self) -> None:
        """The next create request takes effect, but its answer never arrives."""

    @abstractmethod
    def fail_next_create(self) -> None:
        """The next create request is answered 500: whether it took effect is unknown."""

    @abstractmethod
    def rate_limit_next_request(self, retry_after: int) -> None:
        """The next request is answered 429 with ``Retry-After: retry_after``."""

    @abstractmethod
    def garble_next_request(self, garbage: Garbage) -> None:
        """The next request is answered 200 with ``garbage`` instead of the tracker's answer."""

    @abstractmethod
    def settings_with_secrets(self) -> ConnectorSettings:
        """Valid settings of this tracker holding at least one secret (a token)."""

    def fields(self, tracker: Tracker, summary: str) -> IssueFields:
        """Fields this tracker accepts for a new issue; override to set a priority or assignee."""
        return IssueFields(
            summary,
            f"{summary}.\n\nPostmortem: https://pm.example.com/2026-11-20",
            None,
            date(2026, 12, 15),
            None,
            tracker.labels,
        )


class TrackerSuite:
    """Subclass it as ``Test…`` and give a ``harness`` fixture returning a TrackerHarness."""

    @pytest.fixture
    def clock(self) -> VirtualClock:
        return VirtualClock()

    @pytest.fixture
    def tracker(self, harness: TrackerHarness, clock: VirtualClock) -> Iterator[Tracker]:
        built = harness.tracker(TrackerContext(team=TEAM, now=clock.now(), http_clock=clock))
        yield built
        built.close()

    @staticmethod
    def _create(harness: TrackerHarness, tracker: Tracker, n: int) -> CreateIssue:
        return CreateIssue(
            item_id(n), tracker.marker(item_id(n)), harness.fields(tracker, f"Item {n}")
        )

    def test_a_marker_names_its_item_and_nothing_else(self, tracker: Tracker) -> None:
        assert tracker.item_id_of_marker(tracker.marker(item_id(7))) == item_id(7)
        assert tracker.item_id_of_marker("not a marker") is None

    def test_a_batch_is_created_in_order_and_found_by_its_markers(
        self, harness: TrackerHarness, tracker: Tracker
    ) -> None:
        ops = [self._create(harness, tracker, n) for n in (1, 2)][: tracker.create_batch_size]
        results = tracker.create(ops)

        assert [r.item_id for r in results] == [op.item_id for op in ops]
        keys = [r.key for r in results]
        assert all(keys), results
        found = tracker.find_markers([op.item_id for op in ops], created_this_cycle=True)
        assert {i: [s.key for s in found[i]] for i in found} == {
            op.item_id: [key] for op, key in zip(ops, keys, strict=True)
        }
        read = tracker.get([k for k in keys if k])
        assert {read[k].fields.summary for k in read} == {op.fields.summary for op in ops}

    def test_a_create_whose_answer_is_lost_is_found_by_its_marker_not_created_twice(
        self, harness: TrackerHarness, tracker: Tracker
    ) -> None:
        op = self._create(harness, tracker, 3)
        harness.lose_next_create_answer()

        with pytest.raises(AmbiguousWriteError):
            tracker.create([op])

        [found] = tracker.find_markers([op.item_id])[op.item_id]
        everything = tracker.changed_since(None).snapshots.values()
        assert [s.key for s in everything if op.item_id in s.markers] == [found.key]

    def test_a_create_answered_500_is_an_unknown_outcome(
        self, harness: TrackerHarness, tracker: Tracker
    ) -> None:
        op = self._create(harness, tracker, 4)
        harness.fail_next_create()

        with pytest.raises(AmbiguousWriteError):
            tracker.create([op])

        assert len(tracker.find_markers([op.item_id]).get(op.item_id, ())) <= 1

    def test_an_update_never_clears_a_field_it_does_not_name(
        self, harness: TrackerHarness, tracker: Tracker
    ) -> None:
        [created] = tracker.create([self._create(harness, tracker, 5)])
        assert created.key
        before = tracker.get([created.key])[created.key].fields

        tracker.update(created.key, {"summary": "Edited"})

        after = tracker.get([created.key])[created.key].fields
        assert after.summary == "Edited"
        assert (after.description, after.assignee, after.due, after.priority, after.labels) == (
            before.description,
            before.assignee,
            before.due,
            before.priority,
            before.labels,
        )

    def test_a_429_is_waited_out_as_retry_after_asks(
        self, harness: TrackerHarness, tracker: Tracker, clock: VirtualClock
    ) -> None:
        [created] = tracker.create([self._create(harness, tracker, 6)])
        harness.rate_limit_next_request(7)

        changed = tracker.changed_since(None)

        assert created.key in changed.snapshots
        assert sum(clock.slept) >= 7, clock.slept

    @pytest.mark.parametrize("garbage", GARBAGE)
    def test_a_garbage_answer_is_an_http_error_never_a_crash(
        self, harness: TrackerHarness, tracker: Tracker, garbage: Garbage
    ) -> None:
        [created] = tracker.create([self._create(harness, tracker, 8)])
        harness.garble_next_request(garbage)
        try:
            changed = tracker.changed_since(None)
        except HttpError:
            return  # reported as the tracker's failure: the cycle goes on with the next team
        assert created.key in changed.snapshots  # or the policy asked again and got the answer

    def test_a_person_the_tracker_cannot_name_is_a_problem_not_a_cleared_assignee(
        self, tracker: Tracker
    ) -> None:
        lookup = tracker.assignee(Person(key="nobody-known"))
        assert lookup.user_id is None
        assert lookup.problem

    def test_secrets_in_settings_are_masked(self, harness: TrackerHarness) -> None:
        assert_secrets_masked(harness.settings_with_secrets())
