"""Invisible characters out of a document, and items with nothing visible out of its items.

Bidi controls (U+202E shows "gnp.exe" as "exe.png") and zero-width characters let a document
show one text and send another to a tracker or chat, or make an "item" with nothing visible in
it. They are removed from the whole document before it is parsed, so titles, owners and dates
are read as a person sees them; an item with no visible text left is not an item.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from syncd.connector.model import Postmortem, RawItem

# Bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9), zero-width space and joiners, word
# joiner and invisible operators, BOM, soft hyphen, Mongolian vowel separator, tag characters,
# and what shows as blank without being whitespace: Hangul fillers, the braille blank, the
# combining grapheme joiner. One character class: a single pass in C, linear in the text.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u2800\u3164\ufeff\uffa0\U000e0000-\U000e007f]+"
)


def strip_invisible(text: str) -> str:
    if text.isascii():  # the common case: nothing to remove
        return text
    return _INVISIBLE.sub("", text)


def clean_line(text: str | None) -> str | None:
    """One line of text without invisible characters and with single spaces; None if empty."""
    if text is None:
        return None
    cleaned = " ".join(strip_invisible(text).split())
    return cleaned or None


def visible_items(items: Iterable[RawItem]) -> list[RawItem]:
    """The items whose title has visible text, the title with single spaces."""
    kept: list[RawItem] = []
    for item in items:
        title = clean_line(item.title)
        if title is None:
            continue
        kept.append(item if title == item.title else dataclasses.replace(item, title=title))
    return kept


def visible_title(postmortem: Postmortem, fallback_title: str) -> Postmortem:
    title = clean_line(postmortem.title) or fallback_title
    if title == postmortem.title:
        return postmortem
    return dataclasses.replace(postmortem, title=title)
