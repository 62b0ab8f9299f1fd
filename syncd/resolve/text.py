"""Small text helpers shared by the resolvers: what is left of markdown in a value as written."""

from __future__ import annotations

import re
import unicodedata

# Emphasis and code markers authors wrap values in: **Alice**, __P1__, `PAY-123`, ~~TBD~~.
_EMPHASIS = re.compile(r"(\*\*|__|~~|`+)")
# A single * or _ wrapping the whole value (*Alice*, _high_); inner ones belong to the value.
_SINGLE_WRAP = re.compile(r"^([*_])(?P<inner>.+)\1$")
_STRUCK_THROUGH = re.compile(r"~~.*?~~", re.DOTALL)
MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def drop_struck_through(text: str) -> str:
    """The value without ``~~struck~~`` parts: "~~Dec 1~~ Jan 15" was moved to Jan 15."""
    return collapse_whitespace(_STRUCK_THROUGH.sub(" ", text))


def strip_markup(text: str) -> str:
    """The value without markdown emphasis, code ticks and link syntax (a link keeps its text)."""
    text = unicodedata.normalize("NFKC", text)
    text = MARKDOWN_LINK.sub(lambda m: m.group("text") or m.group("url"), text)
    text = _EMPHASIS.sub("", text)
    text = collapse_whitespace(text)
    while (match := _SINGLE_WRAP.match(text)) is not None:
        text = match.group("inner").strip()
    return text


def markdown_links(text: str) -> list[tuple[str, str]]:
    """Every ``[text](url)`` in the value, as (text, url) pairs, in order."""
    return [(m.group("text"), m.group("url")) for m in MARKDOWN_LINK.finditer(text)]


# What templates and authors write where a value is not known yet, for any field.
UNKNOWN_VALUES = frozenset(
    {
        "",
        "?",
        "??",
        "???",
        "-",
        "--",
        "---",
        "\u2013",  # en dash
        "\u2014",  # em dash
        "n/a",
        "na",
        "none",
        "unknown",
        "tbd",
        "tba",
        "tbc",
        "to be determined",
        "to be decided",
        "to be confirmed",
    }
)
