"""Helpers for the extraction tests: run the extractor on a small inline document."""

from __future__ import annotations

from textwrap import dedent

from connectors.markdown.extract import extract_document
from syncd.model import ExtractedDocument, RawItem


def extract(text: str, document: str = "postmortem.md") -> ExtractedDocument:
    return extract_document(dedent(text).lstrip("\n"), source="pm-repo", document=document)


def items(text: str, document: str = "postmortem.md") -> tuple[RawItem, ...]:
    return extract(text, document).items


def titles(text: str) -> list[str]:
    return [item.title for item in items(text)]


def only_item(text: str) -> RawItem:
    found = items(text)
    assert len(found) == 1, [item.title for item in found]
    return found[0]
