"""Harnesses of our source connectors for the standard source suite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.confluence import ConfluenceSettings
from connectors.markdown import MarkdownSettings, MarkdownSource
from syncd.connector.source import Source, SourceContext
from syncd.connector.testing import SourceHarness
from tests.sources.markdown_support import write

POSTMORTEM = """\
---
date: 2026-11-20
severity: SEV2
---
# Checkout outage

## Action items

- [ ] Rotate the signing keys (@alice, due 2026-12-15, P1)
- [ ] Add an alert on the error budget (@bob)
"""


class MarkdownHarness(SourceHarness):
    """A directory of markdown postmortems, read by the real extraction."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "postmortems"
        self.context = SourceContext(
            team="payments",
            config_dir=tmp_path,
            cache_dir=tmp_path / "cache",
            now=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
        )
        write(self.root / "2026-11-20-checkout.md", POSTMORTEM)
        write(self.root / "2026-11-02-dns.md", POSTMORTEM.replace("Checkout", "DNS"))

    def _source(self, path: str) -> Source:
        return MarkdownSource("pm-repo", MarkdownSettings(path=path), self.context)

    def source(self) -> Source:
        return self._source("postmortems")

    def change_a_document(self) -> None:
        write(
            self.root / "2026-11-20-checkout.md",
            POSTMORTEM.replace("Rotate the signing keys", "Rotate every signing key"),
        )

    def add_bad_document(self) -> None:
        write(self.root / "2026-11-21-broken.md", b"# Broken\n\xff\xfe not UTF-8\x00\n")

    def unreachable_source(self) -> Source:
        return self._source("nowhere")

    def settings_with_secrets(self) -> MarkdownSettings:
        return MarkdownSettings.model_validate(
            {"git": {"url": "https://git.example.com/pm.git", "token": "git-token-0123456789"}}
        )


class ConfluenceHarness(SourceHarness):
    """A fake Confluence Cloud (REST v2) on loopback holding two postmortem pages."""

    def __init__(self, tmp_path: Path, request: pytest.FixtureRequest) -> None:
        from tests.confluence.support import source_for
        from tests.fakes.confluence.server import FakeConfluence

        self.fake = FakeConfluence("cloud").start()
        request.addfinalizer(self.fake.stop)
        self.tmp_path = tmp_path
        self._source_for = source_for
        body = (
            "<p>Date: 2026-11-20</p><h2>Action items</h2><ac:task-list><ac:task>"
            "<ac:task-id>1</ac:task-id><ac:task-status>incomplete</ac:task-status>"
            "<ac:task-body>Rotate the signing keys (owner: alice, due 2026-12-15)</ac:task-body>"
            "</ac:task></ac:task-list>"
        )
        self.page = self.fake.state.add_page("PAY", "Checkout outage", body)
        self.fake.state.add_page("PAY", "DNS outage", body.replace("signing", "DNS"))

    def source(self) -> Source:
        return self._source_for(self.fake, self.tmp_path)

    def change_a_document(self) -> None:
        self.fake.state.edit(self.page.id, body=self.page.body.replace("Rotate", "Replace"))

    def add_bad_document(self) -> None:
        self.fake.state.add_page("PAY", "Broken", "<h2>Action items</h2><ul><li>unclosed</ul>")

    def unreachable_source(self) -> Source:
        return self._source_for(self.fake, self.tmp_path, space="GONE")

    def settings_with_secrets(self) -> ConfluenceSettings:
        return ConfluenceSettings.model_validate(
            {
                "url": "https://acme.atlassian.net/wiki",
                "auth": {"email": "bot@acme.com", "token": "confluence-token-0123456789"},
                "space": "PAY",
            }
        )
