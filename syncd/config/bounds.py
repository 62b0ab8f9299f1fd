"""Limits every configuration value shares, whatever its field: text length, control
characters, and the size of lists and mappings (``syncd.limits``).

Checked on the data as read and interpolated, before validation, so a value of any field,
a connector's own included, is reported with its file, line and key and never reaches code that
would choke on it (a NUL byte in a path, ten thousand sources).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from syncd.config.errors import KeyPath
from syncd.limits import MAX_CONFIG_COLLECTION_ITEMS, MAX_CONFIG_STRING_CHARS

# C0 controls but tab, newline and carriage return; DEL; C1 controls. YAML lets a double-quoted
# string write them as escapes ("\x00", "\e"); no setting has a use for them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class BoundedTree:
    # Values over a size limit replaced, text by "" and a list or mapping by an empty one, so
    # that validation does not spend time on them; text with a control character is kept.
    data: Any
    problems: tuple[tuple[KeyPath, str], ...]  # (key path, message)

    @property
    def failed(self) -> frozenset[KeyPath]:
        return frozenset(path for path, _ in self.problems)


def apply_bounds(data: Any) -> BoundedTree:
    """``data`` (as YAML built it, the depth already bounded) with every value over a shared
    limit reported; validation errors under ``failed`` paths are not reported again."""
    problems: list[tuple[KeyPath, str]] = []

    def walk(value: Any, path: KeyPath) -> Any:
        if isinstance(value, str):
            message = _text_problem(value)
            if message is None:
                return value
            problems.append((path, message))
            return "" if len(value) > MAX_CONFIG_STRING_CHARS else value
        if not isinstance(value, dict | list):
            return value
        if len(value) > MAX_CONFIG_COLLECTION_ITEMS:
            kind = "entries" if isinstance(value, dict) else "items"
            problems.append(
                (path, f"has {len(value):,} {kind}; at most {MAX_CONFIG_COLLECTION_ITEMS:,}")
            )
            return type(value)()
        if isinstance(value, list):
            return [walk(item, (*path, i)) for i, item in enumerate(value)]
        result: dict[Any, Any] = {}
        for key, item in value.items():
            message = _text_problem(key) if isinstance(key, str) else None
            if message is not None:
                problems.append(((*path, key), f"the key {message}"))
                continue
            result[key] = walk(item, (*path, key))
        return result

    bounded = walk(data, ())
    return BoundedTree(bounded, tuple(problems))


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_CONFIG_STRING_CHARS:
        return f"is {len(text):,} characters long; at most {MAX_CONFIG_STRING_CHARS:,}"
    control = _CONTROL.search(text)
    if control is None:
        return None
    return (
        f"holds the control character U+{ord(control.group()):04X} at position "
        f"{control.start() + 1}; remove it (check the file, or the ${{VAR}} it came from)"
    )
