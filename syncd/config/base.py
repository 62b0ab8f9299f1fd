"""What every model of the configuration shares: strictness and readable validation errors."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Mapping
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError


def matches(pattern: str, expected: str) -> Callable[[str], str]:
    """A validator accepting strings that fully match ``pattern``; ``expected`` says what fits.

    The message never repeats the value: it may have come from the environment.
    """
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError(f"must be {expected}")
        return value

    return check


def config_problem(loc: tuple[str | int, ...], message: str) -> InitErrorDetails:
    """An error already written for people, to raise inside a ``ValidationError``.

    ``input`` stays None: a ValidationError's text shows it, and it may be a secret.
    """
    return InitErrorDetails(type=PydanticCustomError("config_error", message), loc=loc, input=None)


class StrictModel(BaseModel):
    """Unknown keys are errors; an empty section (``people:`` alone) means the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_sections_are_defaults(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (value is None and key in cls.model_fields and _default_not_none(cls, key))
        }


def _default_not_none(model: type[BaseModel], name: str) -> bool:
    field = model.model_fields[name]
    if field.is_required():
        return False
    annotation = field.annotation
    # for an Optional field `null` is a meaningful value, not an empty section
    nullable = get_origin(annotation) in (Union, types.UnionType)
    return not (nullable and type(None) in get_args(annotation))
