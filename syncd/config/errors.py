"""Configuration errors as people read them: ``file:line: key.path: what is wrong``.

Validation errors come from pydantic with a ``loc`` and a terse message; this module turns them
into sentences that say what to do, and never repeats the offending value (it may be a secret
that reached a wrong field through ``${VAR}``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

KeyPath = tuple[str | int, ...]

# The pseudo file of errors in SYNCD_* environment variables; ``key`` then names the variable.
ENVIRONMENT = Path("<environment>")


@dataclass(frozen=True)
class ConfigError:
    """One problem in the configuration.

    ``file`` is relative to the config root when the file lies under it, so messages stay short
    and the same on every machine; ``line`` is 1-based; ``key`` is the dotted key path
    (``tracker.auth.token``, ``sources[1].name``).
    """

    file: Path
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        if self.file == ENVIRONMENT:
            return f"environment variable {self.key}: {self.message}"
        where = self.file.as_posix()
        if self.line is not None:
            where += f":{self.line}"
        if self.key:
            return f"{where}: {self.key}: {self.message}"
        return f"{where}: {self.message}"


def format_key_path(path: Sequence[str | int]) -> str:
    """``("sources", 0, "name")`` -> ``sources[0].name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def suggest(word: str, choices: Sequence[str]) -> str | None:
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_key_message(key: object, allowed: Sequence[str] | None) -> str:
    message = f"unknown key {str(key)[:80]!r}"
    if allowed:
        close = suggest(str(key), allowed)
        if close is not None:
            return f"{message} (did you mean {close!r}?)"
        return f"{message} (allowed: {', '.join(sorted(allowed))})"
    return message


AllowedKeys = Callable[[KeyPath], Sequence[str] | None]


def error_location(error: ErrorDetails) -> KeyPath:
    """The error's key path in the file: pydantic's ``[key]`` marker for dict keys is dropped."""
    return tuple(part for part in error["loc"] if part != "[key]")


def describe(error: ErrorDetails, allowed_keys: AllowedKeys) -> str:
    """A sentence for one pydantic error; ``allowed_keys(path)`` lists the keys valid there."""
    kind = error["type"]
    loc = error["loc"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if loc and loc[-1] == "[key]":
        key = loc[-2] if len(loc) >= 2 else "?"
        expected = ctx.get("expected")
        if kind == "literal_error" and isinstance(expected, str):
            return f"unknown key {str(key)!r} (allowed: {expected})"
        return f"key {str(key)!r} is not valid: {_lower_first(error['msg'])}"
    if kind == "extra_forbidden":
        return unknown_key_message(loc[-1] if loc else "?", allowed_keys(tuple(loc[:-1])))
    if kind == "config_error":  # already written for people, by the validators here
        return error["msg"]
    handler = _MESSAGES.get(kind)
    if handler is not None:
        return handler(ctx)
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return _lower_first(message)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _literal(ctx: dict[str, Any]) -> str:
    return f"must be one of {ctx.get('expected', '?')}"


_MESSAGES: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda ctx: "field required",
    "literal_error": _literal,
    "enum": _literal,
    "string_type": lambda ctx: "must be a string (quote it if YAML reads it as something else)",
    "int_type": lambda ctx: "must be a whole number",
    "int_parsing": lambda ctx: "must be a whole number",
    "int_from_float": lambda ctx: "must be a whole number",
    "int_parsing_size": lambda ctx: "must be a whole number of a sensible size",
    "float_type": lambda ctx: "must be a number",
    "float_parsing": lambda ctx: "must be a number",
    "bool_type": lambda ctx: "must be true or false",
    "bool_parsing": lambda ctx: "must be true or false",
    "dict_type": lambda ctx: "must be a mapping (key: value)",
    "model_type": lambda ctx: "must be a mapping (key: value)",
    "model_attributes_type": lambda ctx: "must be a mapping (key: value)",
    "list_type": lambda ctx: "must be a list",
    "date_type": lambda ctx: "must be a date like 2026-12-24",
    "date_parsing": lambda ctx: "must be a date like 2026-12-24",
    "date_from_datetime_parsing": lambda ctx: "must be a date like 2026-12-24",
    "date_from_datetime_inexact": lambda ctx: "must be a date like 2026-12-24, without a time",
    "greater_than": lambda ctx: f"must be greater than {ctx.get('gt')}",
    "greater_than_equal": lambda ctx: f"must be at least {ctx.get('ge')}",
    "less_than": lambda ctx: f"must be less than {ctx.get('lt')}",
    "less_than_equal": lambda ctx: f"must be at most {ctx.get('le')}",
    "too_short": lambda ctx: f"must have at least {ctx.get('min_length')} item(s)",
    "too_long": lambda ctx: f"must have at most {ctx.get('max_length')} item(s)",
    "string_too_short": lambda ctx: (
        "must not be empty"
        if ctx.get("min_length") == 1
        else f"must be at least {ctx.get('min_length')} characters long"
    ),
    "string_too_long": lambda ctx: f"must be at most {ctx.get('max_length')} characters long",
    "string_pattern_mismatch": lambda ctx: f"must match the pattern {ctx.get('pattern')}",
    "none_required": lambda ctx: "must be empty (null)",
}


def without_inputs(exc: ValidationError) -> ValidationError:
    """The same errors with their input values removed (``str(exc)`` shows them; secrets...)."""
    details: list[InitErrorDetails] = []
    for error in exc.errors():
        ctx = {
            key: value
            for key, value in (error.get("ctx") or {}).items()
            if isinstance(value, str | int | float | bool)
        }
        details.append(
            InitErrorDetails(
                type=PydanticCustomError(error["type"], error["msg"], ctx or None),
                loc=error["loc"],
                input=None,
            )
        )
    return ValidationError.from_exception_data(exc.title, details)
