"""Where a model reads secrets, found from its type annotations.

Used to refuse secrets written as plain text in a team file: the check runs on the raw block, so
it also works when the block has other errors, and for any third-party connector's Settings.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, SecretBytes, SecretStr

from syncd.config.errors import KeyPath

_SECRET_TYPES = (SecretStr, SecretBytes)


def secret_paths(model: type[BaseModel], data: Any) -> list[KeyPath]:
    """Key paths of the string values in ``data`` that ``model`` would read into a secret."""
    return sorted(set(_model(model, data, ())), key=lambda path: [str(part) for part in path])


def _model(model: type[BaseModel], data: Any, path: KeyPath) -> Iterator[KeyPath]:
    if not isinstance(data, Mapping):
        return
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in data:
            yield from _value(field.annotation, data[key], (*path, key))


def _value(annotation: Any, value: Any, path: KeyPath) -> Iterator[KeyPath]:
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        yield from _value(args[0], value, path)
    elif origin in (Union, types.UnionType):
        for arg in args:
            yield from _value(arg, value, path)
    elif isinstance(annotation, type) and issubclass(annotation, _SECRET_TYPES):
        if isinstance(value, str):
            yield path
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from _model(annotation, value, path)
    elif origin in (dict, Mapping) and len(args) == 2 and isinstance(value, Mapping):
        for key, item in value.items():
            yield from _value(args[1], item, (*path, key))
    elif origin in (list, tuple, set, frozenset, Sequence) and args and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _value(args[0], item, (*path, index))
