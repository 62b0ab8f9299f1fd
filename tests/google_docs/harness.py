"""The Google Docs source's harness for the standard source suite: a fake Drive folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.google_docs import GoogleDocsSettings
from syncd.connector.source import Source
from syncd.connector.testing import SourceHarness
from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.google_docs.support import Folder

CHECKOUT = "2026-11-20 Checkout outage postmortem"


class GoogleDocsHarness(SourceHarness):
    """The fixtures in a folder of the fake Drive, read through the reading processes."""

    def __init__(self, fake: FakeGoogleDrive, tmp_path: Path) -> None:
        self.folder = Folder(fake, tmp_path)

    @classmethod
    def for_request(cls, request: pytest.FixtureRequest) -> GoogleDocsHarness:
        """A harness over a fake Drive started for this test (and stopped after it)."""
        fake = FakeGoogleDrive().start()
        request.addfinalizer(fake.stop)
        return cls(fake, request.getfixturevalue("tmp_path"))

    def source(self) -> Source:
        return self.folder.source(workers=True)

    def change_a_document(self) -> None:
        file = self.folder.documents[CHECKOUT]
        self.folder.fake.state.edit(file.id, file.content.replace("21 days", "30 days"))

    def add_bad_document(self) -> None:
        bad = self.folder.fake.state.add_document("Broken export", self.folder.folder.id, "")
        bad.export_forbidden = True

    def unreachable_source(self) -> Source:
        self.folder.fake.state.shared.clear()
        return self.folder.source()

    def settings_with_secrets(self) -> GoogleDocsSettings:
        return self.folder.settings()
