"""Secrets in a connector's settings: every ``SecretStr`` found, and the proof none is shown."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, SecretStr

__all__ = ["assert_secrets_masked", "secret_values"]


def secret_values(value: object) -> Iterator[str]:
    """Every non-empty secret held in a settings model, however deeply nested."""
    if isinstance(value, SecretStr):
        if secret := value.get_secret_value():
            yield secret
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from secret_values(getattr(value, name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from secret_values(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from secret_values(item)


def assert_secrets_masked(settings: BaseModel) -> None:
    """No ``repr``, ``str`` or dump of ``settings`` shows one of its secrets."""
    secrets = list(secret_values(settings))
    assert secrets, "the harness's settings hold no secret: give it one to prove it is masked"
    shown = {
        "repr": repr(settings),
        "str": str(settings),
        "model_dump": repr(settings.model_dump()),
        "model_dump(mode=json)": repr(settings.model_dump(mode="json")),
        "model_dump_json": settings.model_dump_json(),
    }
    for how, text in shown.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{how} of the settings shows a secret"
