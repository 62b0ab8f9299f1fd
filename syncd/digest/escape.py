"""Untrusted text made inert: the shared part of every channel's escaping.

Titles, owners as written and error messages come from documents and trackers: anybody who can
edit a postmortem can write ``<!channel>``, ``@everyone``, ``<at>CEO</at>`` or
``[your bank](https://evil.example)``. Everything such text passes through here before it is
placed in a payload, so it can mention nobody, open no formatting it does not close, and show no
link whose text hides its target. Links syncd itself adds (an issue's URL) go through
``safe_url`` and are written by the renderers in the channel's own link syntax. Each notifier
connector escapes for its own markup with these parts (``connectors.slack.render``, ...).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

ZWSP = "\u200b"  # breaks a mention or markup token without changing what a person reads

# Longest texts a digest line shows; the issue holds the whole text. Shortening happens before
# escaping, so an escape is never cut in half.
TITLE_LIMIT = 200
OWNER_LIMIT = 60
REASONS_LIMIT = 300

# Characters that change how text reads or hide what it is: bidirectional overrides and
# isolates (a title that displays reversed), zero-width and invisible joiners (which would also
# let an attacker smuggle a token past the escaping below), and the byte order mark.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad\u034f\u180e]")


def clean_text(text: str, limit: int | None = None) -> str:
    """One line of printable text: no control, format or invisible characters, single spaces.

    Terminal escape sequences are dropped with their ESC, line breaks become spaces (a newline in
    a title must not start a quote, a heading or a list item), and a text longer than ``limit``
    is shortened at a word boundary with an ellipsis.
    """
    text = _INVISIBLE.sub("", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        cut = text[: limit - 1]
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
        text = cut.rstrip(" .,;:") + "\u2026"
    return text


# Kept as they are in a URL; everything else (spaces, quotes, <, >, |, brackets, parentheses,
# non-ASCII) is percent-encoded, so no channel's link syntax can end early.
_URL_SAFE = ":/?#@!$&'*+,;=%-._~"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to be placed in any channel's link syntax, or None when it is not one."""
    if url is None:
        return None
    url = url.strip()
    if not url or any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # "https://bank.example@evil.example/" reads as one host and goes to another
    return quote(url, safe=_URL_SAFE)


# ------------------------------------------------------------------------ markdown channels

# CommonMark backslash escapes for what could take effect inside a line: emphasis, code,
# strike-through, link and image brackets, table cells and spoilers (``|``), quotes. Without
# its brackets ``[text](url)`` is no link, so parentheses stay as they are.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~\[\]|>])")


def markdown_escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def break_mentions(text: str) -> str:
    """A zero-width space after every ``@``: ``@channel``, ``@here``, ``@everyone``, ``@all`` and
    ``@user`` no longer match any mention syntax, and still read the same."""
    return text.replace("@", "@" + ZWSP)


def plain_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for a terminal: one printable line, no escape sequences."""
    return clean_text(text, limit)
