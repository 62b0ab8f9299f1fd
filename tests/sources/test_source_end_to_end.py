"""The markdown source with the real extraction engine: files and git, end to end."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from connectors.markdown import MarkdownSettings, MarkdownSource
from connectors.markdown.git import GitResult, run_git
from syncd.model import ExtractedDocument
from syncd.plugins import SourceContext
from tests.sources.markdown_support import FakeExtractor, failures, make_repo, make_source, write

POSTMORTEM = """\
---
title: Checkout DB outage
date: 2026-01-10
severity: SEV1
---
# Checkout DB outage

## Summary
- the primary ran out of connections (not an action item)

## Action Items

| Action | Owner | Due | Status |
|---|---|---|---|
| Add connection pool alerts | @alice | 2026-02-01 | TODO |
| Document failover runbook | Bob | Q2 2026 | Done |

## Follow-ups
- [ ] Load test the replica @carol due 2026-03-01
"""


def extracted(results: Sequence[object]) -> dict[str, ExtractedDocument]:
    return {r.postmortem.document: r for r in results if isinstance(r, ExtractedDocument)}


def test_folder_with_the_real_engine(context: SourceContext) -> None:
    root = context.config_dir.parent / "postmortems"
    write(root / "2026/db.md", POSTMORTEM)
    # Saved on Windows: a byte order mark and CRLF line ends; line numbers must not shift.
    write(root / "2026/windows.md", b"\xef\xbb\xbf" + POSTMORTEM.replace("\n", "\r\n").encode())
    write(root / "2026/latin1.md", POSTMORTEM.replace("Bob", "Bj\xf6rn").encode("latin-1"))
    settings = MarkdownSettings(
        path="../postmortems", url_template="https://wiki.acme.com/pm/{path}"
    )
    results = list(MarkdownSource("pm-repo", settings, context).read())

    docs = extracted(results)
    assert sorted(docs) == ["2026/db.md", "2026/windows.md"]
    for name in ("2026/db.md", "2026/windows.md"):
        doc = docs[name]
        assert doc.postmortem.title == "Checkout DB outage"
        assert doc.postmortem.source == "pm-repo"
        assert doc.postmortem.url == f"https://wiki.acme.com/pm/{name}"
        assert [(i.title, i.owner_text, i.line, i.done) for i in doc.items] == [
            ("Add connection pool alerts", "@alice", 15, False),
            ("Document failover runbook", "Bob", 16, True),
            ("Load test the replica", "@carol", 19, False),
        ]
    assert "not valid UTF-8" in failures(results)["2026/latin1.md"]


def test_git_source_with_the_real_engine(context: SourceContext, tmp_path: Path) -> None:
    origin = make_repo(
        tmp_path / "origin",
        {"payments/2026-01-10-db.md": POSTMORTEM, "payments/TEMPLATE.md": "# Template\n"},
    )
    url = "https://gitlab.com/acme/postmortems.git"

    def served_locally(
        args: Sequence[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float
    ) -> GitResult:
        return run_git(
            [str(origin) if a == url else a for a in args], cwd=cwd, env=env, timeout=timeout
        )

    settings = MarkdownSettings.model_validate(
        {"git": {"url": url, "subdir": "payments"}, "exclude": ["TEMPLATE.md"]}
    )
    source = MarkdownSource("pm-repo", settings, context, git_runner=served_locally)
    [doc] = list(source.read())
    assert isinstance(doc, ExtractedDocument)
    assert doc.postmortem.document == "2026-01-10-db.md"
    assert doc.postmortem.url == (
        "https://gitlab.com/acme/postmortems/-/blob/main/payments/2026-01-10-db.md"
    )
    assert len(doc.items) == 3


def test_listing_and_reading_2000_files_is_cheap(
    context: SourceContext, fake_extract: FakeExtractor
) -> None:
    # The engine has its own budget; what the source adds to it (listing, stat, reading, decoding)
    # must stay a small part of the 5 s that 2,000 postmortems may take.
    root = context.config_dir.parent / "postmortems"
    for index in range(2000):
        write(
            root / f"team{index % 20}" / f"2026-01-{index % 28 + 1:02d}-pm-{index}.md", POSTMORTEM
        )
    source = make_source(context, {"path": "../postmortems"}, fake_extract)
    started = time.perf_counter()
    results = list(source.read())
    elapsed = time.perf_counter() - started
    assert len(results) == 2000 and not failures(results)
    assert elapsed < 1.0, f"listing and reading 2,000 files took {elapsed:.2f} s"
