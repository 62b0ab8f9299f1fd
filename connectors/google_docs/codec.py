"""An extraction as JSON and back, for the cache of documents read in earlier cycles.

Pure. ``decode`` raises ``ValueError`` on anything it did not write itself, so a damaged
cache is read as no cache (every document is exported again), never as wrong items.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from syncd.connector.model import DocumentProblem, ExtractedDocument, Postmortem, RawItem


def encode(document: ExtractedDocument) -> dict[str, Any]:
    postmortem = dataclasses.asdict(document.postmortem)
    if document.postmortem.date is not None:
        postmortem["date"] = document.postmortem.date.isoformat()
    return {
        "postmortem": postmortem,
        "items": [
            dataclasses.asdict(item) | {"tracker_refs": list(item.tracker_refs)}
            for item in document.items
        ],
        "problems": [dataclasses.asdict(problem) for problem in document.problems],
    }


def decode(data: Any) -> ExtractedDocument:
    if not isinstance(data, dict):
        raise ValueError("not an object")
    try:
        raw = dict(data["postmortem"])
        raw["date"] = date.fromisoformat(raw["date"]) if raw.get("date") is not None else None
        postmortem = Postmortem(**raw)
        items = tuple(
            RawItem(**(dict(item) | {"tracker_refs": tuple(item["tracker_refs"])}))
            for item in data["items"]
        )
        problems = tuple(DocumentProblem(**problem) for problem in data["problems"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an extraction: {type(exc).__name__}") from None
    _check_types(postmortem, items, problems)
    return ExtractedDocument(postmortem=postmortem, items=items, problems=problems)


def _check_types(
    postmortem: Postmortem, items: tuple[RawItem, ...], problems: tuple[DocumentProblem, ...]
) -> None:
    # Constructors do not check types: a hand-edited cache must not hand ints to the matcher.
    texts = [postmortem.source, postmortem.document, postmortem.title]
    for item in items:
        texts += [item.title, item.section]
        if not isinstance(item.line, int) or not all(isinstance(r, str) for r in item.tracker_refs):
            raise ValueError("an item of the wrong shape")
    if not all(isinstance(t, str) for t in texts):
        raise ValueError("a text that is not a string")
    if not all(isinstance(p.message, str) for p in problems):
        raise ValueError("a problem of the wrong shape")
