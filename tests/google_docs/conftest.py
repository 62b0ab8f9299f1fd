"""The fake Drive for these tests, on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.google_docs.support import Folder


@pytest.fixture
def fake_drive() -> Iterator[FakeGoogleDrive]:
    with FakeGoogleDrive() as fake:
        yield fake


@pytest.fixture
def folder(fake_drive: FakeGoogleDrive, tmp_path: Path) -> Folder:
    return Folder(fake_drive, tmp_path)
