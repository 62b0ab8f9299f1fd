"""A source is extracted by worker processes, with exactly the in-process result; a document
that takes longer than ``max_document_seconds`` is reported and skipped, the rest is read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import connectors.markdown.parallel as parallel
from connectors.markdown import MarkdownSettings, MarkdownSource
from connectors.markdown.extract import extract_document
from syncd.model import DocumentFailure, ExtractedDocument
from syncd.plugins import SourceContext

ROOT = Path(__file__).resolve().parents[2]


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


def read(
    root: Path, tmp_path: Path, *, in_process: bool = False, **settings: object
) -> list[ExtractedDocument | DocumentFailure]:
    context = SourceContext("payments", tmp_path, tmp_path / "cache", datetime.now(UTC))
    config = MarkdownSettings(
        path=str(root), url_template="https://wiki.example.com/{path}", **settings
    )
    extract = extract_document if in_process else None
    return list(MarkdownSource("pm", config, context, extract=extract).read())


def test_workers_and_in_process_reads_agree(tmp_path: Path) -> None:
    root = tmp_path / "postmortems"
    write_documents(root, 450)
    in_workers = read(root, tmp_path)
    in_process = read(root, tmp_path, in_process=True)
    assert in_workers == in_process
    assert len(in_workers) == 451
    failures = [r for r in in_workers if isinstance(r, DocumentFailure)]
    assert [f.document for f in failures] == ["0/broken.md"]
    first = next(r for r in in_workers if isinstance(r, ExtractedDocument))
    assert first.postmortem.url == f"https://wiki.example.com/{first.postmortem.document}"
    assert [i.owner_text for i in first.items] == ["@alice", "Bob"]


def test_a_document_past_its_budget_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A document that never finishes (a job of the tests, since syncd's extraction has no such
    # input left), between two that read normally.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setattr(parallel, "WORKER_TARGET", "tests.support.worker_targets:extract_or_hang")
    root = tmp_path / "postmortems"
    write_documents(root, 2)
    (root / "0" / "hang.md").write_text("# Hang\n", encoding="utf-8")
    results = read(root, tmp_path, max_document_seconds=2)
    assert [type(r).__name__ for r in results] == [
        "DocumentFailure",
        "DocumentFailure",
        "ExtractedDocument",
        "ExtractedDocument",
    ]
    hang = next(r for r in results if isinstance(r, DocumentFailure) and r.document == "0/hang.md")
    assert "took longer than 2 s (the source's max_document_seconds)" in hang.error
    assert "skipped" in hang.error


def test_the_budget_is_a_setting_with_a_sane_range() -> None:
    assert MarkdownSettings(path="pm").max_document_seconds == 10
    assert MarkdownSettings(path="pm", max_document_seconds=0.5).max_document_seconds == 0.5
    for bad in (0, -1, 100_000):
        with pytest.raises(ValueError, match="max_document_seconds"):
            MarkdownSettings(path="pm", max_document_seconds=bad)
