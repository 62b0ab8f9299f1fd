"""The incident.io source passes the standard source suite, over the fake incident.io."""

from __future__ import annotations

import pytest

from syncd.connector.testing import SourceHarness, SourceSuite
from tests.incident_io.harness import IncidentIoHarness


class TestIncidentIoSource(SourceSuite):
    @pytest.fixture
    def harness(self, request: pytest.FixtureRequest) -> SourceHarness:
        return IncidentIoHarness.build(request)
