"""Fixtures for the markdown source tests: a team's context and a fake extractor."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from syncd.plugins import SourceContext
from tests.sources.markdown_support import FakeExtractor


@pytest.fixture
def context(tmp_path: Path) -> SourceContext:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    return SourceContext(
        team="payments",
        config_dir=config_dir,
        cache_dir=tmp_path / "cache",
        now=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )


@pytest.fixture
def fake_extract() -> FakeExtractor:
    return FakeExtractor()
