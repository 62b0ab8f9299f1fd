"""What a Confluence source remembers between cycles, and across restarts.

Per page: the version last read and its extraction (or why a version could not be read: too
large, not well-formed); plus the ids of the space, label and parent page the settings name.
Kept in memory and in one JSON file under the source's cache folder, written atomically (a
temporary file renamed over the old one). A file that cannot be read back whole, was written by
another format, or for other settings, is ignored: the next read is a full one, never a wrong one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from syncd.connector.model import (
    DocumentProblem,
    ExtractedDocument,
    ExtractionStep,
    Postmortem,
    RawItem,
)

_T = TypeVar("_T")

# Raise when what a page's extraction holds, or the rules that make it, change: a cache of
# another format is dropped.
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Remembered:
    version: int
    document: ExtractedDocument | None  # None: ``failure`` says why this version was skipped
    failure: str | None = None


@dataclass(slots=True)
class PageCache:
    fingerprint: str
    ids: dict[str, str] = field(default_factory=dict)
    pages: dict[str, Remembered] = field(default_factory=dict)


def fingerprint(*parts: object) -> str:
    """Of the settings that change what is read and how (url, selection, source name, limit)."""
    return hashlib.sha256(json.dumps([str(p) for p in parts]).encode()).hexdigest()[:32]


def load(path: Path, expected: str) -> PageCache:
    """The cache in ``path``; an empty one when it is missing, unreadable or not for these
    settings."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT or raw.get("fingerprint") != expected:
            return PageCache(expected)
        ids = {str(k): str(v) for k, v in raw["ids"].items()}
        pages = {str(k): _remembered(v) for k, v in raw["pages"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return PageCache(expected)
    return PageCache(expected, ids, pages)


def save(path: Path, cache: PageCache) -> None:
    """Written whole or not at all: a reader never sees half a file."""
    data = {
        "format": FORMAT,
        "fingerprint": cache.fingerprint,
        "ids": cache.ids,
        "pages": {k: _plain(v) for k, v in cache.pages.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _plain(entry: Remembered) -> dict[str, Any]:
    document = None
    if entry.document is not None:
        document = dataclasses.asdict(entry.document)
        when = entry.document.postmortem.date
        document["postmortem"]["date"] = when.isoformat() if when else None
    return {"version": entry.version, "document": document, "failure": entry.failure}


def _remembered(raw: dict[str, Any]) -> Remembered:
    version = raw["version"]
    if not isinstance(version, int):
        raise TypeError("version")
    failure = raw.get("failure")
    document = raw.get("document")
    if document is None:
        if not isinstance(failure, str):
            raise TypeError("failure")
        return Remembered(version, None, failure)
    postmortem = dict(document["postmortem"])
    when = postmortem.get("date")
    postmortem["date"] = date.fromisoformat(when) if when else None
    items = tuple(
        _typed(RawItem(**{**item, "tracker_refs": tuple(item["tracker_refs"])}))
        for item in document["items"]
    )
    problems = tuple(_typed(DocumentProblem(**problem)) for problem in document["problems"])
    steps = tuple(_typed(ExtractionStep(**step)) for step in document.get("explanations", ()))
    extracted = ExtractedDocument(_typed(Postmortem(**postmortem)), items, problems, steps)
    return Remembered(version, extracted, None)


def _typed(instance: _T) -> _T:
    """``instance`` if every field holds its declared type, else TypeError: the models'
    constructors check nothing, and a damaged or hand-edited file must not hand the core an
    int for a title (it would fail the team's cycle, not just this source's read)."""
    hints = typing.get_type_hints(type(instance))
    for declared in dataclasses.fields(instance):  # type: ignore[arg-type]
        if not _holds(getattr(instance, declared.name), hints[declared.name]):
            raise TypeError(declared.name)
    return instance


def _holds(value: Any, hint: Any) -> bool:
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return any(_holds(value, option) for option in typing.get_args(hint))
    if typing.get_origin(hint) is tuple:  # tuple[str, ...]: the only tuple the models hold
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, type(None) if hint is None else hint)
