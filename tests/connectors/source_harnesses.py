"""Harnesses of our source connectors for the standard source suite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

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
