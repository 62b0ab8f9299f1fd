"""The fake incident.io, loaded with the fixtures, for each test that asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import loaded_fake


@pytest.fixture
def fake() -> Iterator[FakeIncidentIo]:
    server = loaded_fake()
    try:
        yield server
    finally:
        server.stop()
