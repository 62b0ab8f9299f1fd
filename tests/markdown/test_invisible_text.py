"""Bidi controls and zero-width characters never reach a title or an owner; no text, no item."""

from __future__ import annotations

import pytest

from connectors.markdown.clean_text import clean_line, strip_invisible
from tests.markdown.extraction_support import extract, items, only_item

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad\u034f"
BLANKS = "\u3164\u115f\u1160\uffa0\u2800"
TAGS = "\U000e0001\U000e0041\U000e007f"
INVISIBLE = BIDI + ZERO_WIDTH + BLANKS + TAGS


def _visible(text: str) -> bool:
    return not any(char in INVISIBLE for char in text)


def test_a_reversed_title_reaches_nobody_reversed() -> None:
    item = only_item(
        """
        ## Action items

        - [ ] Rotate the \u202egnp.exe\u202c credentials @al\u200bice due 2026-12-01
        """
    )
    assert item.title == "Rotate the gnp.exe credentials"
    assert item.owner_text == "@alice"
    assert item.due_text == "2026-12-01"


@pytest.mark.parametrize(
    "invisible",
    [BIDI, ZERO_WIDTH, BLANKS, TAGS, INVISIBLE, "\u200b \u200b", "\u202e\u202c"],
)
def test_an_item_with_nothing_visible_is_not_an_item(invisible: str) -> None:
    found = items(
        f"""
        ## Action items

        - [ ] {invisible}
        - {invisible}
        - [ ] Add an alert on replica lag

        | Action | Owner | Due |
        |---|---|---|
        | {invisible} | alice | 2026-12-01 |
        | Fix the failover script | bob | 2026-12-01 |
        """
    )
    assert [item.title for item in found] == [
        "Add an alert on replica lag",
        "Fix the failover script",
    ]


def test_owners_and_table_cells_are_cleaned() -> None:
    found = items(
        """
        ## Action items

        | Action | Owner | Due |
        |---|---|---|
        | Fix\u200d the \u2067failover\u2069 script | \u202eecila\u202c | 2026-12-01 |
        | Add \u2060alerts | \u200b@bob\u200b | 2026-12-02 |
        """
    )
    assert [(i.title, i.owner_text) for i in found] == [
        ("Fix the failover script", "ecila"),
        ("Add alerts", "@bob"),
    ]
    assert all(_visible(f"{i.title}{i.owner_text}{i.detail or ''}") for i in found)


def test_postmortem_title_is_cleaned_and_never_empty() -> None:
    cleaned = extract("# \u202eDB\u202c outage\n\n## Action items\n\n- [ ] Add alerts\n")
    assert cleaned.postmortem.title == "DB outage"
    blank = extract(f"# {INVISIBLE}\n\n## Action items\n\n- [ ] Add alerts\n", "2026-01-02-db.md")
    assert blank.postmortem.title and _visible(blank.postmortem.title)
    assert [item.title for item in blank.items] == ["Add alerts"]


def test_visible_text_in_other_scripts_and_emoji_survives() -> None:
    assert strip_invisible("Überprüfen: naïve 数据库 🔥 — ok") == "Überprüfen: naïve 数据库 🔥 — ok"
    assert clean_line(f"  fix {INVISIBLE}  the   db ") == "fix the db"
    assert clean_line(INVISIBLE) is None
