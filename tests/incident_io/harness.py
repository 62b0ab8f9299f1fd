"""The incident.io source's harness for the standard source suite: the fake, loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.incident_io import IncidentIoSettings
from syncd.connector.source import Source
from syncd.connector.testing import SourceHarness
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import loaded_fake, make_source

CHANGED = "01HQ0FU0000000000000000101"


class IncidentIoHarness(SourceHarness):
    def __init__(self, fake: FakeIncidentIo, cache_dir: Path) -> None:
        self.fake = fake
        self.cache_dir = cache_dir

    @classmethod
    def build(cls, request: pytest.FixtureRequest) -> IncidentIoHarness:
        fake = loaded_fake()
        request.addfinalizer(fake.stop)
        return cls(fake, request.getfixturevalue("tmp_path") / "cache")

    def source(self) -> Source:
        return make_source(self.fake, self.cache_dir)

    def change_a_document(self) -> None:
        self.fake.state.edit_follow_up(CHANGED, title="Alert on Redis replication lag over 5 s")

    def add_bad_document(self) -> None:
        # Follow-ups of an incident incident.io no longer has: it answers 404 for it.
        self.fake.state.add_follow_up(
            {
                "id": "01HQZFU0000000000000009901",
                "incident_id": "01HQZGONE00000000000000999",
                "title": "Follow-up of a deleted incident",
                "status": "outstanding",
                "labels": [],
                "creator": {},
                "created_at": "2026-11-20T09:00:00Z",
                "updated_at": "2026-11-20T09:00:00Z",
            }
        )

    def unreachable_source(self) -> Source:
        return make_source(self.fake, self.cache_dir, api_key="inc-revoked-key-0000000000")

    def settings_with_secrets(self) -> IncidentIoSettings:
        return IncidentIoSettings.model_validate({"api_key": "inc-secret-key-5f9a1c2e7b"})
