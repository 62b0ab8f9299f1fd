"""The markdown source with the real extraction engine: files and git, end to end."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

import connectors.markdown.files as files_module
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
    context: SourceContext, fake_extract: FakeExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the source adds to the engine's work (listing, stat, reading) is one listing per
    # folder and one open per file: counted, not timed (``syncd-bench extract`` prints the time).
    root = context.config_dir.parent / "postmortems"
    for index in range(2000):
        write(
            root / f"team{index % 20}" / f"2026-01-{index % 28 + 1:02d}-pm-{index}.md", POSTMORTEM
        )
    calls: Counter[str] = Counter()
    real_open, real_scandir = os.open, os.scandir

    def counted_open(path: Any, *args: Any, **kwargs: Any) -> int:
        calls["open"] += 1
        return real_open(path, *args, **kwargs)

    def counted_scandir(path: Any) -> Any:
        calls["scandir"] += 1
        return real_scandir(path)

    monkeypatch.setattr(files_module.os, "open", counted_open)
    monkeypatch.setattr(files_module.os, "scandir", counted_scandir)
    source = make_source(context, {"path": "../postmortems"}, fake_extract)
    results = list(source.read())
    assert len(results) == 2000 and not failures(results)
    assert calls == Counter({"open": 2000, "scandir": 21})  # the root and its 20 folders
