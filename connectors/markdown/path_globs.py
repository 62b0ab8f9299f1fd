"""The include and exclude patterns of a source: shell-style globs, and exclusions read the way
a .gitignore is, matched against a path relative to the source root."""

from __future__ import annotations

import re
from collections.abc import Iterable


class PathMatcher:
    """Shell-style globs matched against a path relative to the source root.

    ``*`` and ``?`` stay within one folder, ``**`` spans any number of folders (also none),
    ``[abc]`` / ``[!abc]`` are character classes. Matching is case-sensitive, as on the disk.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        regexes = [translate_glob(_normalise(p)) for p in patterns]
        self._regex = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None

    def matches(self, relative: str) -> bool:
        return self._regex is not None and self._regex.fullmatch(relative) is not None


class ExcludeMatcher:
    """Exclusion patterns, read the way a .gitignore is.

    A pattern without ``/`` matches a file or folder name at any depth (``TEMPLATE.md``,
    ``drafts``); one with ``/`` matches the path from the source root. A folder that matches
    is not entered at all, so nothing below it is read or reported.
    """

    def __init__(self, patterns: Iterable[str]) -> None:
        regexes: list[str] = []
        for raw in patterns:
            pattern = _normalise(raw).rstrip("/")
            if "/" in pattern:
                regexes.append(translate_glob(pattern) + "(?:/.*)?")
            else:
                regexes.append("(?:.*/)?" + translate_glob(pattern) + "(?:/.*)?")
        self._regex = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None

    def excludes_file(self, relative: str) -> bool:
        return self._regex is not None and self._regex.fullmatch(relative) is not None

    def excludes_folder(self, relative: str) -> bool:
        # "archive/**" names everything below archive/, so the folder itself need not be entered.
        return self.excludes_file(relative) or self.excludes_file(relative + "/")


def _normalise(pattern: str) -> str:
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern


def translate_glob(pattern: str) -> str:
    """The regular expression (for ``fullmatch``) of one glob pattern."""
    parts = pattern.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:.*/)?")
        else:
            out.append(_translate_segment(part) + ("" if last else "/"))
    return "".join(out)


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 2 if segment[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = segment[i + 1 : end]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                escaped = "".join("\\" + c if c in "\\[]^" else c for c in body)
                out.append(f"[{'^/' if negate else ''}{escaped}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
