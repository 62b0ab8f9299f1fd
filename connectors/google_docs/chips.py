"""Smart chips at the end of a list item, read as its owner and due date. Pure.

In Google Docs people assign a checklist item or a bullet by ending it with a person chip and,
often, a date chip; the markdown export writes them as a ``mailto:`` link and the date as text:
``- [ ] Send campaigns in batches [Rita Gomez](mailto:rita@acme.com) Apr 1, 2026``. Nothing
in that line says "owner" or "due", so the item is rewritten the way the extraction reads an
owner and a date: ``- [ ] Send campaigns in batches (owner: rita@acme.com, due Apr 1, 2026)``.
An item that already names an owner is left as it is.

Every people chip is then written as its e-mail alone, wherever it is (an owner cell of a
table, ``Owner: [Kim Nguyen](mailto:kim@acme.com)``): the extraction keeps a link's text and
drops its address, and a name is not how a team file knows a Google user; an e-mail is
(``people.<name>.email``), and it is exact.
"""

from __future__ import annotations

import re

_TRAILING_CHIPS = re.compile(
    r"^(?P<lead>[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)"
    r"(?P<text>[^\n]*?\S)[ \t]+\[(?P<name>[^\[\]\n]{1,200})\]\(mailto:(?P<email>[^()\s?]{1,320})"
    r"(?:\?[^()\s]{0,200})?\)"
    r"(?:[ \t]+(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2}))?"
    r"(?P<tail>[ \t]*)$",
    re.MULTILINE,
)
_CHIP = re.compile(
    r"\[[^\[\]\n]{1,200}\]\(mailto:(?P<email>[^()\s?]{1,320})(?:\?[^()\s]{0,200})?\)"
)
_NAMES_OWNER = re.compile(r"owner|assignee|\bwho\b|@\w", re.IGNORECASE)


def chips_as_owner(text: str) -> str:
    if "](mailto:" not in text:
        return text
    return _CHIP.sub(r"\g<email>", _TRAILING_CHIPS.sub(_rewrite, text))


def _rewrite(found: re.Match[str]) -> str:
    if _NAMES_OWNER.search(found.group("text")):
        return found.group(0)
    due = f", due {found.group('date')}" if found.group("date") else ""
    return (
        f"{found.group('lead')}{found.group('text')} (owner: {found.group('email')}{due})"
        f"{found.group('tail')}"
    )
