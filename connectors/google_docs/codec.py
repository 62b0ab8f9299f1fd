"""An extraction as JSON and back, for the cache of documents read in earlier cycles.

Pure. ``decode`` raises ``ValueError`` on anything it did not write itself, so a damaged
cache is read as no cache (every document is exported again), never as wrong items. Fields
are read by the models' own declarations (a date, a tuple), so a field added to a model is
carried without a change here; ``model_signature`` goes into the cache's fingerprint, so a
cache written for other models is not read at all.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any, TypeVar

from syncd.connector.model import (
    DocumentProblem,
    ExtractedDocument,
    ExtractionStep,
    Postmortem,
    RawItem,
)

_T = TypeVar("_T")
_MODELS = (Postmortem, RawItem, DocumentProblem, ExtractionStep)


def model_signature() -> str:
    return ";".join(
        f"{model.__name__}({','.join(f'{f.name}:{f.type}' for f in dataclasses.fields(model))})"
        for model in _MODELS
    )


def encode(document: ExtractedDocument) -> dict[str, Any]:
    return {
        "postmortem": _plain(document.postmortem),
        "items": [_plain(item) for item in document.items],
        "problems": [_plain(problem) for problem in document.problems],
        "explanations": [_plain(step) for step in document.explanations],
    }


def decode(data: Any) -> ExtractedDocument:
    if not isinstance(data, dict):
        raise ValueError("not an object")
    try:
        return ExtractedDocument(
            postmortem=_build(Postmortem, data["postmortem"]),
            items=tuple(_build(RawItem, item) for item in data["items"]),
            problems=tuple(_build(DocumentProblem, problem) for problem in data["problems"]),
            explanations=tuple(_build(ExtractionStep, step) for step in data["explanations"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an extraction: {type(exc).__name__}") from None


def _plain(instance: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in dataclasses.fields(instance):
        value = getattr(instance, field.name)
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[field.name] = value
    return out


def _build(model: type[_T], raw: Any) -> _T:
    if not isinstance(raw, dict):
        raise TypeError(model.__name__)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(model):  # type: ignore[arg-type]
        if field.name not in raw:
            raise KeyError(field.name)
        value = raw[field.name]
        kind = str(field.type)
        if value is not None and kind.startswith("date"):
            value = date.fromisoformat(value)
        elif kind.startswith("tuple"):
            value = tuple(_checked(v, str) for v in value)
        elif value is not None:
            value = _checked(value, _scalar(kind))
        values[field.name] = value
    if set(raw) - set(values):
        raise KeyError("a field the model does not have")
    return model(**values)


def _scalar(kind: str) -> type:
    for name, scalar in (("str", str), ("int", int), ("bool", bool)):
        if kind.startswith(name):
            return scalar
    raise TypeError(kind)


def _checked(value: Any, kind: type) -> Any:
    # Constructors do not check types: a hand-edited cache must not hand ints to the matcher.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(kind.__name__)
    return value
