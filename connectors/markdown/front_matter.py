"""YAML front matter: split off, parsed within a budget, and never fatal to the source.

Front matter is a few keys in a document anyone who can push may write, so it is parsed within
``FRONT_MATTER_YAML`` (no anchors or aliases, small size and depth). Front matter over those
limits makes the whole document refused (``DocumentRejected``: reported and skipped, its items
left as they were), since what it was meant to say cannot be known; front matter that is merely
not valid YAML is reported and the rest of the document is still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from syncd.connector.bounded_yaml import (
    FRONT_MATTER_YAML,
    YamlLimitExceeded,
    YamlSyntaxError,
    compose_within,
)
from syncd.connector.model import DocumentProblem, DocumentRejected

_MAX_LINES = 500  # front matter longer than this is not front matter but a document of dashes
_FIRST_LINE = 2  # the line of the document where the front matter's YAML starts


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]  # keys lower-cased; empty when absent or unreadable
    body: str  # the markdown after the front matter
    body_line_offset: int  # lines of the original text before ``body``
    problems: tuple[DocumentProblem, ...] = field(default=())


def split_front_matter(text: str) -> FrontMatter:
    """Raises ``DocumentRejected`` for front matter over its limits (``syncd.limits``)."""
    if not text.startswith("---"):
        return FrontMatter({}, text, 0)
    first_end = text.find("\n")
    if first_end < 0 or text[:first_end].rstrip() != "---":
        return FrontMatter({}, text, 0)
    lines = text.split("\n", _MAX_LINES + 1)
    close = next(
        (k for k in range(1, min(len(lines), _MAX_LINES)) if lines[k].rstrip() in ("---", "...")),
        None,
    )
    if close is None:
        looks_like_yaml = len(lines) > 1 and ":" in lines[1]
        problems = (
            (
                DocumentProblem(
                    1,
                    "front matter opened with '---' on line 1 is never closed; "
                    "it was read as markdown",
                ),
            )
            if looks_like_yaml
            else ()
        )
        return FrontMatter({}, text, 0, problems)

    body = "\n".join(lines[close + 1 :]) if close + 1 < len(lines) else ""
    offset = close + 1
    try:
        data = _parse("\n".join(lines[1:close]))
    except YamlSyntaxError as exc:
        line = exc.line + _FIRST_LINE - 1 if exc.line is not None else 1
        return FrontMatter({}, body, offset, (_problem(line, f"front matter: {exc.message}"),))
    if data is None:
        return FrontMatter({}, body, offset)
    if not isinstance(data, dict):
        problem = _problem(2, "front matter is not a mapping of keys to values; it was ignored")
        return FrontMatter({}, body, offset, (problem,))
    return FrontMatter({str(k).strip().lower(): v for k, v in data.items()}, body, offset)


def _parse(source: str) -> Any:
    try:
        node, loader = compose_within(source, FRONT_MATTER_YAML)
    except YamlLimitExceeded as exc:
        where = f"line {exc.line + _FIRST_LINE - 1}: " if exc.line is not None else ""
        raise DocumentRejected(
            f"{where}{exc.message}; the document was skipped (its items are kept as they were "
            "until it is fixed)"
        ) from None
    try:
        return None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise YamlSyntaxError(
            mark.line + 1 if mark is not None else None, exc.problem or "invalid YAML"
        ) from None
    except (ValueError, TypeError, OverflowError, RecursionError):
        # PyYAML raises ValueError for impossible dates such as 2026-13-45, and for numbers
        # of thousands of digits; TypeError for a list used as a key.
        raise YamlSyntaxError(None, "a value that is not a date or number syncd can read") from None
    finally:
        loader.dispose()


def _problem(line: int, message: str) -> DocumentProblem:
    return DocumentProblem(line, message + " (the rest of the document was still read)")
