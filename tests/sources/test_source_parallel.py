"""A large source is extracted by worker processes, with exactly the sequential result."""

from __future__ import annotations

from pathlib import Path

import pytest

import connectors.markdown.parallel as parallel
from connectors.markdown import MarkdownSettings, MarkdownSource
from syncd.model import DocumentFailure, ExtractedDocument
from syncd.plugins import SourceContext


def write_documents(root: Path, count: int) -> None:
    for index in range(count):
        folder = root / f"{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"pm-{index:04d}.md").write_text(
            f"# Incident {index}\n\n## Action items\n\n"
            f"- [ ] Add an alert on queue {index} depth above 1000 @alice due 2026-12-01\n"
            f"- [x] Roll back release {index} (owner: Bob)\n",
            encoding="utf-8",
        )
    (root / "0" / "broken.md").write_bytes(b"\xff\xfe not utf-8 \xff")


def read(root: Path, tmp_path: Path) -> list[ExtractedDocument | DocumentFailure]:
    from datetime import UTC, datetime

    context = SourceContext("payments", tmp_path, tmp_path / "cache", datetime.now(UTC))
    settings = MarkdownSettings(path=str(root), url_template="https://wiki.example.com/{path}")
    return list(MarkdownSource("pm", settings, context).read())


def test_parallel_and_sequential_reads_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "postmortems"
    write_documents(root, 450)
    assert parallel.worth_parallel(451) == (parallel.usable_cores() > 1)
    in_parallel = read(root, tmp_path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_DOCUMENTS", 10**9)
    in_sequence = read(root, tmp_path)
    assert in_parallel == in_sequence
    assert len(in_parallel) == 451
    failures = [r for r in in_parallel if isinstance(r, DocumentFailure)]
    assert [f.document for f in failures] == ["0/broken.md"]
    first = next(r for r in in_parallel if isinstance(r, ExtractedDocument))
    assert first.postmortem.url == f"https://wiki.example.com/{first.postmortem.document}"
    assert [i.owner_text for i in first.items] == ["@alice", "Bob"]
