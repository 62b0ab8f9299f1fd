"""Where an issue a document names lives, as each tracker connector says: only the team's own
project or repository (on the team's own site or server) is adopted."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from syncd.tracker import ScopesReferences, Tracker
from tests.adoption.world import World


@pytest.fixture
def tracker(world: World) -> Iterator[Tracker]:
    built = world.tracker()
    assert isinstance(built, ScopesReferences)
    yield built
    built.close()


def _scope(tracker: Tracker, system: str, key: str, url: str | None = None) -> tuple[object, ...]:
    assert isinstance(tracker, ScopesReferences)
    found = tracker.reference(system, key, url)
    return (found.key, found.elsewhere)


def test_the_team_s_own_issues_are_its_own(tracker: Tracker) -> None:
    if tracker.system == "jira":
        assert _scope(tracker, "jira", "pay-12") == ("PAY-12", None)
        browse = tracker.issue_url("PAY-12")
        assert _scope(tracker, "jira", "PAY-12", browse) == ("PAY-12", None)
    else:
        assert _scope(tracker, "github", "#12") == ("acme/payments#12", None)
        assert _scope(tracker, "github", "ACME/Payments#12") == ("acme/payments#12", None)
        browse = tracker.issue_url("#12")
        assert _scope(tracker, "github", "acme/payments#12", browse) == ("acme/payments#12", None)


def test_issues_elsewhere_are_named_with_where_they_are(tracker: Tracker) -> None:
    if tracker.system == "jira":
        assert _scope(tracker, "jira", "SEC-1") == (None, "SEC-1 is in project SEC, not PAY")
        site = urlsplit(tracker.issue_url("PAY-1")).netloc
        other_site = "https://other.atlassian.net/browse/PAY-3"
        assert _scope(tracker, "jira", "PAY-3", other_site) == (
            None,
            f"PAY-3 is on another Jira site (other.atlassian.net), not {site}",
        )
        assert _scope(tracker, "github", "acme/payments#4")[0] is None
    else:
        assert _scope(tracker, "github", "acme/security#3") == (
            None,
            "acme/security#3 is in repository acme/security, not acme/payments",
        )
        ghe = "https://ghe.example.com/acme/payments/issues/4"
        assert _scope(tracker, "github", "acme/payments#4", ghe) == (
            None,
            "acme/payments#4 is on another GitHub server (ghe.example.com)",
        )
        assert _scope(tracker, "jira", "PAY-1")[0] is None
