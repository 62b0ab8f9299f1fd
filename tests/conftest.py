"""Fixtures shared by every test directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.github.fixtures import fake_github, github_client
from tests.fakes.jira.fixtures import fake_jira, fake_jira_dc
from tests.support.postgres import postgres_database, postgres_url
from tests.support.wall_clock import _wall_clock_travel

# fixtures, re-exported for every directory
__all__ = [
    "_wall_clock_travel",
    "fake_github",
    "fake_jira",
    "fake_jira_dc",
    "github_client",
    "postgres_database",
    "postgres_url",
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on the real PostgreSQL."""
    name: str = request.param
    return name


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty store, as a user would write it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'state.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


# The proofs that run real processes take tens of seconds each, the rest milliseconds. Sent to
# the workers first (``--dist load`` hands tests out in this order), the long ones run side by
# side from the start and the short ones fill the gaps, instead of a few long ones left alone
# at the end: on two cores that tail was a third of the suite's time.
_LONG_FIRST = ("tests/test_any_day.py", "tests/e2e/", "tests/history/", "tests/service/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid
        for n, prefix in enumerate(_LONG_FIRST):
            if path.startswith(prefix):
                return n
        return len(_LONG_FIRST)

    items.sort(key=rank)  # stable: each group keeps its files' order
