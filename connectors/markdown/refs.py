"""Tracker references written in an item: Jira keys and URLs, GitHub issues, ``#45``.

A reference is kept as written (``PAY-123``, ``acme/pay#45``, ``#45`` or the full URL) so the
resolver can tell which tracker it names; nothing here decides whether the issue exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from syncd.connector.jira_keys import is_jira_project_key

_URL = re.compile(r"""https?://[^\s<>"'`|]+""", re.IGNORECASE)
_JIRA_URL = re.compile(
    r"^https?://[^/\s]+(?:/[^\s?#]*)?/browse/[A-Z][A-Z0-9_]+-\d+(?:[/?#]\S*)?$"
    r"|^https?://[^/\s]+/\S*[?&]selectedIssue=[A-Z][A-Z0-9_]+-\d+",
    re.IGNORECASE,
)
_GITHUB_URL = re.compile(
    r"^https?://[^/\s]+/(?:api/v3/repos/)?[\w.-]+/[\w.-]+/(?:issues|pull|pulls)/\d+(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_JIRA_KEY = re.compile(r"(?<![\w/#.@-])([A-Z][A-Z0-9]{1,14})-(\d{1,7})(?![\w-]|\.\d)")
_REPO_ISSUE = re.compile(r"(?<![\w./@#-])[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+#\d+(?![\w-])")
_BARE_ISSUE = re.compile(r"(?<![\w&#/])#\d+(?![\w-])")

# A reference already found in an item's text stands for itself as one private-use character
# while its title is tidied (``title_refs.mark_refs``), so that link text such as "the issue"
# is judged as the reference it is.
REF_MARK = "[\U000f0000-\U000ffffd]"

# One reference as a regular expression, for recognising text made only of references. A URL
# here holds no comma, semicolon or bracket, and is possessive ("++"): it may hold "/" and "&",
# which also separate references, and a URL that could give them back would let a list that
# does not match split every way (exponential time, seen on "(http://a/http://a/...").
REF_TOKEN = (
    rf"(?:{REF_MARK}"
    r"|https?://[^\s()\[\]<>,;]++"
    r"|[A-Z][A-Z0-9]{1,14}-\d{1,7}"
    r"|[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+#\d+"
    r"|#\d+)"
)


def strip_url_punctuation(url: str) -> str:
    """A URL at the end of a sentence or inside parentheses does not own that punctuation."""
    # Indices, not repeated slicing and counting: a URL ending in a long run of ")" or "."
    # must not cost time quadratic in that run.
    end = len(url)
    while end and url[end - 1] in ".,;:!?'\"]}*_~":
        end -= 1
    opened, closed = url.count("(", 0, end), url.count(")", 0, end)
    while end and url[end - 1] == ")" and opened < closed:
        end -= 1
        closed -= 1
    return url[:end]


def is_tracker_url(url: str) -> bool:
    return bool(_JIRA_URL.match(url) or _GITHUB_URL.match(url))


def find_refs(text: str, links: Iterable[tuple[int, str]] = ()) -> list[tuple[int, str]]:
    """References in ``text`` and in link targets, as (position, written form), unordered."""
    found: list[tuple[int, str]] = []
    for pos, href in links:
        href = href.strip()
        if is_tracker_url(href):
            found.append((pos, href))
    if not text:
        return found
    masked = text
    if "://" in text:
        pieces: list[str] = []
        last = 0
        for m in _URL.finditer(text):
            url = strip_url_punctuation(m.group(0))
            if is_tracker_url(url):
                found.append((m.start(), url))
            end = m.start() + len(url)
            # Keep positions stable while hiding the URL from the key and #number patterns.
            pieces.append(text[last : m.start()])
            pieces.append(" " * len(url))
            last = end
        pieces.append(text[last:])
        masked = "".join(pieces)
    if "#" in masked:
        for m in _REPO_ISSUE.finditer(masked):
            found.append((m.start(), m.group(0)))
        for m in _BARE_ISSUE.finditer(masked):
            found.append((m.start(), m.group(0)))
    if "-" in masked:
        for m in _JIRA_KEY.finditer(masked):
            if is_jira_project_key(m.group(1)):
                found.append((m.start(), m.group(0)))
    return found


def ordered_refs(groups: Iterable[Iterable[tuple[int, str]]]) -> tuple[str, ...]:
    """References of several texts (cells, sub-bullets) in reading order, each once."""
    seen: set[str] = set()
    out: list[str] = []
    for group in groups:
        for _, ref in sorted(group, key=lambda r: r[0]):
            if ref not in seen:
                seen.add(ref)
                out.append(ref)
    return tuple(out)
