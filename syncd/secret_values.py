"""Every secret a loaded configuration holds, for the log redactor to mask wherever it shows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, SecretStr

from syncd.config.loader import LoadedConfig


def secret_values(loaded: LoadedConfig) -> Iterator[str]:
    """The plain values of every ``SecretStr`` in every team file (tokens, webhook URLs, ...)."""

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, SecretStr):
            yield value.get_secret_value()
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                yield from walk(getattr(value, name))
        elif isinstance(value, dict):
            for v in value.values():
                yield from walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                yield from walk(v)

    for team in loaded.teams:
        yield from walk(team.config)
