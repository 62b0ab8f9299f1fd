"""Fixtures for the Jira connector's tests: the fake Jira, in both modes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.jira.fixtures import fake_jira, fake_jira_dc
from tests.fakes.jira.server import FakeJira
from tests.fakes.jira.state import ManualClock
from tests.jira.site import NOW, Site

__all__ = ["fake_jira", "fake_jira_dc", "site"]  # fixtures, re-exported for this directory


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest) -> Iterator[Site]:
    """A fake Jira in each mode, its clock held by the test, and the trackers built on it."""
    fake: FakeJira = request.getfixturevalue(
        "fake_jira" if request.param == "cloud" else "fake_jira_dc"
    )
    clock = ManualClock(NOW)
    fake.state.clock = clock
    fake.state.add_user("alice@example.com", "Alice Doe")
    fake.state.add_user("bob@example.com", "Bob Roe")
    built = Site(fake, clock)
    yield built
    for tracker in built.trackers:
        tracker.close()
