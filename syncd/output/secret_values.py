"""Every secret a loaded configuration holds, for the redactor to mask wherever it would show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

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
    yield from _database_password(loaded.service.database_url)


def _database_password(url: str) -> Iterator[str]:
    """The state store URL's password (``postgresql://syncd:PASSWORD@db/syncd``), if any."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return
    if password:
        yield password
        yield unquote(password)
