"""pytest fixtures for the fake Jira; a test directory's conftest re-exports them:

from tests.fakes.jira.fixtures import fake_jira, fake_jira_dc
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.jira.server import FakeJira


@pytest.fixture
def fake_jira() -> Iterator[FakeJira]:
    """A fresh fake Jira Cloud (REST v3, basic auth e-mail:token) for one test."""
    with FakeJira("cloud") as fake:
        yield fake


@pytest.fixture
def fake_jira_dc() -> Iterator[FakeJira]:
    """A fresh fake Jira Data Center (REST v2, bearer personal access token) for one test."""
    with FakeJira("datacenter") as fake:
        yield fake
