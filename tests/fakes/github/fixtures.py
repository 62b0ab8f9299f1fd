"""pytest fixtures for the fake GitHub; a test directory's conftest re-exports them:

from tests.fakes.github.fixtures import fake_github, github_client
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import github
import pytest

from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub


def client_for(fake: FakeGitHub, token: str | None = None, **options: Any) -> github.Github:
    """The real PyGithub client on the fake, with its own pacing and retries off, so a test
    sees every answer the fake gives (options override: `retry=...`, `per_page=...`)."""
    settings: dict[str, Any] = {
        "retry": None,
        "seconds_between_requests": None,
        "seconds_between_writes": None,
        "timeout": 5,
        **options,
    }
    return github.Github(base_url=fake.url, auth=github.Auth.Token(token or fake.token), **settings)


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub (Enterprise layout, `fake.url` ends in /api/v3), secondary limits
    off so tests of other behaviour may write quickly; `fake.limits.secondary` turns them on."""
    with FakeGitHub(secondary=SecondaryLimits.off()) as fake:
        yield fake


@pytest.fixture
def github_client(fake_github: FakeGitHub) -> Iterator[github.Github]:
    client = client_for(fake_github)
    yield client
    client.close()
