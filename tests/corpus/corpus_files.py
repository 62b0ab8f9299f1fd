"""The corpus on disk: which files are documents, their expected files, and the extractor.

Shared by the per-document tests (test_corpus.py) and the scorer (test_corpus_score.py).
Documents directly in this directory are compared exactly, item by item; documents in
``scored/`` are measured by the scorer only (see README.md).
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from syncd.model import ExtractedDocument, RawItem

CORPUS_DIR = Path(__file__).parent
SCORED_DIR = CORPUS_DIR / "scored"
DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
NOT_DOCUMENTS = frozenset({"README.md"})
EXPECTED_SUFFIX = ".expected.yaml"
SOURCE_NAME = "corpus"

# Expected-file key -> RawItem attribute.
ITEM_FIELDS = {
    "title": "title",
    "section": "section",
    "owner": "owner_text",
    "due": "due_text",
    "done": "done",
    "refs": "tracker_refs",
    "priority": "priority_text",
    "type": "type_text",
    "status": "status_text",
    "detail": "detail",
    "line": "line",
}


class ExtractDocument(Protocol):
    def __call__(self, text: str, *, source: str, document: str) -> ExtractedDocument: ...


def corpus_documents(directory: Path = CORPUS_DIR) -> list[Path]:
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and path.suffix in DOCUMENT_SUFFIXES and path.name not in NOT_DOCUMENTS
    )


def expected_path(document: Path) -> Path:
    # The stem drops only the last suffix: "notes.markdown" -> "notes.expected.yaml".
    return document.with_name(document.stem + EXPECTED_SUFFIX)


@cache
def load_expected(document: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(expected_path(document).read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise TypeError(f"{expected_path(document).name}: top level must be a mapping")
    return loaded


def read_document(document: Path) -> str:
    """The document's text exactly as stored: CRLF line ends stay (newline="")."""
    with document.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def load_extractor() -> ExtractDocument:
    module = importlib.import_module("connectors.markdown.extract")
    extractor: ExtractDocument = module.extract_document
    return extractor


def raw_item_from_expected(item: dict[str, Any]) -> RawItem:
    """The RawItem a perfect extractor returns for one expected item (parts aside)."""
    return RawItem(
        title=item["title"],
        section=item["section"],
        line=item.get("line", 1),
        detail=item.get("detail"),
        owner_text=item["owner"],
        due_text=item["due"],
        priority_text=item.get("priority"),
        type_text=item.get("type"),
        status_text=item.get("status"),
        done=item["done"],
        tracker_refs=tuple(item.get("refs", [])),
    )
