"""YAML front matter: split off, parsed, and never fatal to the document around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from syncd.model import DocumentProblem

_LOADER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_LINES = 500  # front matter longer than this is not front matter but a document of dashes


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]  # keys lower-cased; empty when absent or unreadable
    body: str  # the markdown after the front matter
    body_line_offset: int  # lines of the original text before ``body``
    problems: tuple[DocumentProblem, ...] = field(default=())


def split_front_matter(text: str) -> FrontMatter:
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
    source = "\n".join(lines[1:close])
    try:
        data = yaml.load(source, Loader=_LOADER)  # a safe loader: plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 2 if mark is not None else 1
        reason = exc.problem or "invalid YAML"
        return FrontMatter({}, body, close + 1, (_problem(line, f"front matter: {reason}"),))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # PyYAML raises ValueError for impossible dates such as 2026-13-45.
        return FrontMatter({}, body, close + 1, (_problem(1, f"front matter: {exc}"),))
    if data is None:
        return FrontMatter({}, body, close + 1)
    if not isinstance(data, dict):
        problem = _problem(2, "front matter is not a mapping of keys to values; it was ignored")
        return FrontMatter({}, body, close + 1, (problem,))
    return FrontMatter({str(k).strip().lower(): v for k, v in data.items()}, body, close + 1)


def _problem(line: int, message: str) -> DocumentProblem:
    return DocumentProblem(line, message + " (the rest of the document was still read)")
