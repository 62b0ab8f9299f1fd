"""Which keys a mapping may hold at a key path of a model, for "did you mean" hints."""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from syncd.config.errors import KeyPath


def allowed_keys(
    model: type[BaseModel], path: KeyPath, *, extra: list[str] | tuple[str, ...] = ()
) -> list[str] | None:
    """The keys a mapping at ``path`` (under ``model``) may hold, for "did you mean" hints.

    ``extra`` are keys allowed at the top level besides the model's fields (a connector block's
    ``type`` and ``name``).
    """
    current: list[Any] = [model]
    for part in path:
        following: list[Any] = []
        for annotation in current:
            for candidate in _candidates(annotation):
                following.extend(_step(candidate, part))
        current = following
    for annotation in current:
        for candidate in _candidates(annotation):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                keys = [
                    _key_of(name, info.alias)
                    for name, info in candidate.model_fields.items()
                    if not info.exclude  # kept by the model, never written in a file
                ]
                # keys a model takes besides its fields (a person's connector handles)
                keys += getattr(candidate, "extra_keys", list)()
                return [*keys, *(extra if not path else ())]
    return None


def _key_of(name: str, alias: str | None) -> str:
    return alias or name


def _candidates(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _candidates(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [c for arg in get_args(annotation) for c in _candidates(arg)]
    return [annotation]


def _step(annotation: Any, part: str | int) -> list[Any]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part == _key_of(name, info.alias):
                return [info.annotation]
        return []
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return [args[0]]
    if origin in (dict, Mapping) and len(args) == 2:
        return [args[1]]
    return []
