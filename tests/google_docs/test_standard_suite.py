"""The Google Docs source passes the standard source suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.connector.testing import SourceHarness, SourceSuite
from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.google_docs.harness import GoogleDocsHarness


class TestGoogleDocsSource(SourceSuite):
    @pytest.fixture
    def harness(self, fake_drive: FakeGoogleDrive, tmp_path: Path) -> SourceHarness:
        return GoogleDocsHarness(fake_drive, tmp_path)
