"""Closing an issue (a follow-up review whose items are all done): one PATCH, closed as
completed, through the one HTTP policy: a 429's Retry-After is sat out; a 5xx or a lost answer
leaves the outcome unknown (a PATCH is never sent twice blindly), which the next cycle's close
settles, closing it once."""

from __future__ import annotations

import pytest

from syncd.connector.testing.clock import VirtualClock
from syncd.http import AmbiguousWriteError
from tests.fakes.faults import Fault
from tests.fakes.github.server import FakeGitHub
from tests.github.support import create_op, tracker_on


def _created(fake: FakeGitHub, clock: VirtualClock) -> tuple[str, int]:
    [result] = tracker_on(fake, clock).create([create_op("review-0123456789abcdef")])
    key = str(result.key)
    return key, int(key.rsplit("#", 1)[1])


def _patches(fake: FakeGitHub, number: int) -> list[str | None]:
    path = f"/repos/{fake.repo.full_name}/issues/{number}"
    return [r.fault for r in fake.requests if r.method == "PATCH" and r.path.endswith(path)]


def test_closing_is_one_patch_closed_as_completed(fake_github: FakeGitHub) -> None:
    clock = VirtualClock()
    key, number = _created(fake_github, clock)
    tracker_on(fake_github, clock).close_issue(key)
    issue = fake_github.repo.issues[number]
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    assert _patches(fake_github, number) == [None]


def test_a_429_is_waited_out_for_as_long_as_github_asks(fake_github: FakeGitHub) -> None:
    clock = VirtualClock()
    key, number = _created(fake_github, clock)
    pattern = f"*/repos/{fake_github.repo.full_name}/issues/{number}"
    fake_github.faults.on("PATCH", pattern, Fault("429", retry_after=11))
    before = sum(clock.slept)
    tracker_on(fake_github, clock).close_issue(key)
    assert fake_github.repo.issues[number].state == "closed"
    assert _patches(fake_github, number) == ["429", None]
    assert sum(clock.slept) - before >= 11  # in virtual time


@pytest.mark.parametrize("fault", ["502", "drop_after"])
def test_a_5xx_or_a_lost_answer_is_an_error_and_the_next_close_finishes_once(
    fake_github: FakeGitHub, fault: str
) -> None:
    clock = VirtualClock()
    key, number = _created(fake_github, clock)
    pattern = f"*/repos/{fake_github.repo.full_name}/issues/{number}"
    fake_github.faults.on("PATCH", pattern, Fault(fault))
    tracker = tracker_on(fake_github, clock)
    with pytest.raises(AmbiguousWriteError):
        tracker.close_issue(key)
    # A 502 never reached the issue; a lost answer did: either way, closing again is safe.
    assert fake_github.repo.issues[number].state == ("closed" if fault == "drop_after" else "open")
    tracker.close_issue(key)
    issue = fake_github.repo.issues[number]
    assert (issue.state, issue.state_reason) == ("closed", "completed")
    assert _patches(fake_github, number) == [fault, None]
    assert [i.number for i in fake_github.repo.issues.values() if not i.is_pull_request] == [number]
