"""The standard contract suite of each connector kind, for any connector's own tests.

A connector author subclasses the suite of its kind and gives it a harness, a small object that
says how to build the connector and how to reach its fake server or fixture::

    class TestMyTracker(TrackerSuite):
        @pytest.fixture
        def harness(self, my_fake_server) -> TrackerHarness:
            return MyTrackerHarness(my_fake_server)

Every test of the suite then runs against that connector: reads and incremental reads, bad input
reported rather than raised, secrets masked in settings; for trackers exactly-once creation
through markers, unknown outcomes, never clearing a field, rate-limit and garbage answers; for
notifiers posting, rate limits, bad URLs and garbage answers, masked webhook URLs, no mention.
"""

from __future__ import annotations

from syncd.connector.testing.clock import VirtualClock
from syncd.connector.testing.notifiers import NotifierHarness, NotifierSuite
from syncd.connector.testing.secrets import assert_secrets_masked, secret_values
from syncd.connector.testing.sources import SourceHarness, SourceSuite
from syncd.connector.testing.trackers import TrackerHarness, TrackerSuite

__all__ = [
    "NotifierHarness",
    "NotifierSuite",
    "SourceHarness",
    "SourceSuite",
    "TrackerHarness",
    "TrackerSuite",
    "VirtualClock",
    "assert_secrets_masked",
    "secret_values",
]
