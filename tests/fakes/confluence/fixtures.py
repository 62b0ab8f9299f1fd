"""pytest fixtures for the fake Confluence; a test directory's conftest re-exports them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.confluence.server import FakeConfluence


@pytest.fixture
def fake_confluence() -> Iterator[FakeConfluence]:
    """A fresh fake Confluence Cloud (REST v2, basic e-mail:token) for one test."""
    with FakeConfluence("cloud") as fake:
        yield fake


@pytest.fixture
def fake_confluence_dc() -> Iterator[FakeConfluence]:
    """A fresh fake Confluence Data Center (bearer personal access token) for one test."""
    with FakeConfluence("datacenter") as fake:
        yield fake
