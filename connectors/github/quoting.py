"""Document text quoted in GitHub Markdown: it mentions, links and formats nothing.

GitHub reads Markdown, HTML and its own references in an issue body or a comment. A zero-width
space after ``@``, ``#``, ``&`` and ``<`` keeps quoted text from mentioning a user or team,
referencing an issue (``#1``, ``org/repo#1``: a link back on that issue), spelling either
through an HTML entity (``&#64;``) or opening raw HTML (``<!--`` would hide the rest). A
backslash before the punctuation of code, emphasis, links and strikethrough keeps it from
formatting; the rest only counts at the start of a line, and quoted text never starts one. Web
addresses are left as they are, so that they still link.
"""

from __future__ import annotations

import re

_URL = re.compile(r"https?://[^\s<>\"\[\]()`*\\]+")
_QUIETED = re.compile(r"([@#&<])")
_MARKDOWN = re.compile(r"([\\`*_\[\]~])")  # code, emphasis, links, strikethrough


def quoted_markdown(text: str) -> str:
    """``text`` as GitHub shows it verbatim, its web addresses still links."""
    parts = []
    position = 0
    for url in _URL.finditer(text):
        parts.append(_escaped(text[position : url.start()]))
        parts.append(url.group(0))
        position = url.end()
    parts.append(_escaped(text[position:]))
    return "".join(parts)


def _escaped(text: str) -> str:
    return _QUIETED.sub("\\1\u200b", _MARKDOWN.sub(r"\\\1", text))
