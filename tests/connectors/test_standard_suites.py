"""Every registered connector passes the standard suite of its kind.

Each kind's harness fixture is parametrised over the connectors the registry finds, so an
installed connector without a harness here fails these tests instead of skipping them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from syncd.connector.registry import KINDS, available, broken_connectors
from syncd.connector.testing import (
    NotifierHarness,
    NotifierSuite,
    SourceHarness,
    SourceSuite,
    TrackerHarness,
    TrackerSuite,
)
from tests.connectors.notifier_harnesses import (
    DiscordHarness,
    MattermostHarness,
    SlackHarness,
    TeamsHarness,
    WebhookHarness,
)
from tests.connectors.source_harnesses import ConfluenceHarness, MarkdownHarness
from tests.connectors.tracker_harnesses import GitHubHarness, JiraHarness
from tests.google_docs.harness import GoogleDocsHarness
from tests.incident_io.harness import IncidentIoHarness

# kind → connector type → its harnesses (a tracker may be run in several set-ups), built from
# the test's request (for the fake servers' fixtures and tmp_path).
Build = Callable[[pytest.FixtureRequest], Any]
HARNESSES: dict[str, dict[str, list[Build]]] = {
    "source": {
        "markdown": [lambda r: MarkdownHarness(r.getfixturevalue("tmp_path"))],
        "google_docs": [GoogleDocsHarness.for_request],
        "confluence": [lambda r: ConfluenceHarness(r.getfixturevalue("tmp_path"), r)],
        "incidentio": [IncidentIoHarness.build],
    },
    "tracker": {
        "jira": [
            lambda r: JiraHarness(r.getfixturevalue("fake_jira")),
            lambda r: JiraHarness(r.getfixturevalue("fake_jira_dc")),
        ],
        "github": [lambda r: GitHubHarness(r.getfixturevalue("fake_github"))],
    },
    "notifier": {
        "slack": [lambda _: SlackHarness()],
        "teams": [lambda _: TeamsHarness()],
        "mattermost": [lambda _: MattermostHarness()],
        "discord": [lambda _: DiscordHarness()],
        "webhook": [lambda _: WebhookHarness()],
    },
}


def _variants(kind: str) -> list[Any]:
    """One pytest param per registered connector of ``kind`` and harness of it; a connector
    without a harness gives a param whose harness fixture fails."""
    params = []
    for type_ in available(kind):  # type: ignore[arg-type]
        builds: list[Build | None] = [*HARNESSES[kind].get(type_, [])] or [None]
        for n, build in enumerate(builds):
            params.append(pytest.param((type_, build), id=f"{type_}-{n}" if n else type_))
    return params


def _harness(kind: str, request: pytest.FixtureRequest) -> Any:
    type_, build = request.param
    if build is None:
        pytest.fail(f"the {kind} connector {type_!r} has no harness in {Path(__file__).name}")
    return build(request)


def test_every_registered_connector_has_a_harness() -> None:
    assert broken_connectors() == ()
    for kind in KINDS:
        missing = sorted(set(available(kind)) - set(HARNESSES[kind]))
        assert not missing, f"{kind} connectors without a harness: {missing}"
        assert available(kind), f"no {kind} connector registered: is the package installed?"


class TestSources(SourceSuite):
    @pytest.fixture(params=_variants("source"))
    def harness(self, request: pytest.FixtureRequest) -> SourceHarness:
        built: SourceHarness = _harness("source", request)
        return built


class TestTrackers(TrackerSuite):
    @pytest.fixture(params=_variants("tracker"))
    def harness(self, request: pytest.FixtureRequest) -> TrackerHarness:
        built: TrackerHarness = _harness("tracker", request)
        return built


class TestNotifiers(NotifierSuite):
    @pytest.fixture(params=_variants("notifier"))
    def harness(self, request: pytest.FixtureRequest) -> NotifierHarness:
        built: NotifierHarness = _harness("notifier", request)
        return built
