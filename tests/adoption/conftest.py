"""The adoption tests run on the fake Jira (Cloud and Data Center) and the fake GitHub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from syncd.store import StateStore
from tests.adoption.world import GitHubWorld, JiraWorld, World
from tests.fakes.github.contract import validate_requests as validate_github
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.contract import validate_requests as validate_jira
from tests.fakes.jira.server import FakeJira


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore.open(f"sqlite:///{tmp_path / 'state.db'}") as opened:
        opened.migrate()
        yield opened


@pytest.fixture(params=["jira-cloud", "jira-datacenter", "github"])
def world(request: pytest.FixtureRequest, store: StateStore) -> Iterator[World]:
    built: World
    if request.param == "github":
        fake: FakeGitHub = request.getfixturevalue("fake_github")
        built = github = GitHubWorld(store, fake=fake)
        fake.state.clock = github.clock
    else:
        jira: FakeJira = request.getfixturevalue(
            "fake_jira" if request.param == "jira-cloud" else "fake_jira_dc"
        )
        built = JiraWorld(store, fake=jira)
    yield built
    if built.store is not store:  # a test lost the store and went on with another
        built.store.close()
    # Every request syncd sent, checked against the tracker's published API description
    # (Jira Cloud's; the Data Center fake answers the same shapes under REST v2).
    if isinstance(built, GitHubWorld):
        assert built.fake is not None
        assert validate_github(built.fake.requests) == []
    elif request.param == "jira-cloud":
        assert isinstance(built, JiraWorld) and built.fake is not None
        assert validate_jira(built.fake.requests) == []
