"""``${VAR}`` and ``${VAR:-default}`` in configuration strings.

Resolved from a mapping the caller passes (the CLI passes ``os.environ``), before validation, so
a number or a URL can come from the environment too. Rules, as in a POSIX shell:

- ``${VAR}``: the variable's value; an error when it is not set (set but empty is fine).
- ``${VAR:-default}``: the value, or ``default`` when the variable is unset or empty.
  ``${VAR:-}`` is allowed, so a dry run needs no credentials.
- ``$${`` is a literal ``${``. Values from the environment are not expanded again.

Only string values are expanded, never keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syncd.config.errors import KeyPath

_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^{}]*)\}")
_BODY = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<default>:-.*)?", re.DOTALL)


@dataclass(frozen=True)
class Expansion:
    """One string after expansion."""

    value: str
    had_reference: bool  # at least one ${...} was in it (the value came from the environment)
    problems: tuple[str, ...]


def expand(text: str, env: Mapping[str, str]) -> Expansion:
    out: list[str] = []
    problems: list[str] = []
    had_reference = False
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(_literal(text[position : match.start()], problems))
        position = match.end()
        body = match.group("body")
        if body is None:  # `$${`
            out.append("${")
            continue
        had_reference = True
        reference = _BODY.fullmatch(body)
        if reference is None:
            problems.append(
                f"bad reference ${{{body[:60]}}}: write ${{NAME}} or ${{NAME:-default}} "
                "(NAME: letters, digits and _)"
            )
            continue
        name, default = reference.group("name"), reference.group("default")
        value = env.get(name)
        if default is not None:
            out.append(value if value else default[2:])
        elif value is None:
            problems.append(f"environment variable {name} is not set")
        else:
            out.append(value)
    out.append(_literal(text[position:], problems))
    return Expansion("".join(out), had_reference, tuple(problems))


def _literal(segment: str, problems: list[str]) -> str:
    if "${" in segment:
        problems.append("unterminated ${ (close it with }, or write $${ for a literal ${)")
    return segment


@dataclass(frozen=True)
class InterpolatedTree:
    data: Any
    from_environment: frozenset[KeyPath]  # string values that held a ${...} reference
    problems: tuple[tuple[KeyPath, str], ...]  # (path, message); such values become ""

    @property
    def failed(self) -> frozenset[KeyPath]:
        return frozenset(path for path, _ in self.problems)


def interpolate(data: Any, env: Mapping[str, str]) -> InterpolatedTree:
    """Expand every string value in ``data`` (dicts, lists, scalars as YAML builds them)."""
    from_environment: set[KeyPath] = set()
    problems: list[tuple[KeyPath, str]] = []

    def walk(value: Any, path: KeyPath) -> Any:
        if isinstance(value, str):
            expansion = expand(value, env)
            if expansion.had_reference:
                from_environment.add(path)
            if expansion.problems:
                problems.extend((path, problem) for problem in expansion.problems)
                return ""
            return expansion.value
        if isinstance(value, dict):
            return {key: walk(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, (*path, i)) for i, item in enumerate(value)]
        return value

    result = walk(data, ())
    return InterpolatedTree(result, frozenset(from_environment), tuple(problems))
