"""The postmortem's metadata: front matter, first heading, file name date, "Date:" line."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.markdown.metadata import humanised_name
from tests.markdown.extraction_support import extract


def test_front_matter_gives_title_date_and_the_rest() -> None:
    document = extract(
        """
        ---
        title: Checkout API outage
        date: 2026-02-09
        severity: SEV1
        incident: INC-2231
        service: checkout-api
        team: payments
        ---

        # A different first heading

        ## Action items

        - [ ] Alert 30 days before expiry @jon
        """,
        document="payments/2026-01-01-checkout.md",
    )
    pm = document.postmortem
    assert (pm.title, pm.date, pm.date_origin) == (
        "Checkout API outage",
        date(2026, 2, 9),
        "front_matter",
    )
    assert (pm.severity, pm.incident, pm.service, pm.team) == (
        "SEV1",
        "INC-2231",
        "checkout-api",
        "payments",
    )
    assert (pm.source, pm.document) == ("pm-repo", "payments/2026-01-01-checkout.md")
    assert document.items[0].line == 14
    assert document.problems == ()


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: [unclosed\ndate: 2026-01-01",
        "title: ok\n- not a mapping entry",
        "- just\n- a list",
        "date: 2026-13-45",
    ],
)
def test_malformed_front_matter_is_a_problem_and_the_document_is_still_read(
    front_matter: str,
) -> None:
    text = f"---\n{front_matter}\n---\n# Title from the heading\n\n## Action Items\n\n- Fix @a\n"
    document = extract(text, document="2026-03-01-outage.md")
    assert document.postmortem.title == "Title from the heading"
    assert (document.postmortem.date, document.postmortem.date_origin) == (
        date(2026, 3, 1),
        "filename",
    )
    assert [(i.title, i.line) for i in document.items] == [("Fix", text.count("\n") - 0)]
    assert len(document.problems) == 1
    assert "front matter" in document.problems[0].message


def test_front_matter_that_is_never_closed_is_reported_and_read_as_markdown() -> None:
    document = extract("---\ntitle: no end\n\n## Action Items\n\n- Fix @a\n")
    assert [i.title for i in document.items] == ["Fix"]
    assert [p.line for p in document.problems] == [1]


def test_first_h1_is_the_title_when_there_is_no_front_matter() -> None:
    document = extract(
        """
        Some intro.

        ## Not the title

        # The *real* title

        # Another H1
        """
    )
    assert document.postmortem.title == "The real title"


@pytest.mark.parametrize(
    ("name", "title", "day"),
    [
        ("2026-03-01-db-outage.md", "Db outage", date(2026, 3, 1)),
        ("payments/20260301_db_outage.markdown", "Db outage", date(2026, 3, 1)),
        ("incidents/checkout-cert-expiry.md", "Checkout cert expiry", None),
        ("2026-03-01.md", "2026-03-01", date(2026, 3, 1)),
    ],
)
def test_file_name_gives_title_and_date_as_a_last_resort(
    name: str, title: str, day: date | None
) -> None:
    document = extract("Nothing but prose.\n", document=name)
    assert (document.postmortem.title, document.postmortem.date) == (title, day)
    assert document.postmortem.date_origin == ("filename" if day else None)


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Date: 2026-03-01", date(2026, 3, 1)),
        ("**Date:** March 1, 2026", date(2026, 3, 1)),
        ("**Date**: 1 March 2026", date(2026, 3, 1)),
        ("- **Incident date:** Tuesday, 3 February 2026", date(2026, 2, 3)),
        ("| Date | 2026/02/03 |\n|---|---|", date(2026, 2, 3)),
        ("Date: 13/02/2026", date(2026, 2, 13)),
        ("Date: 03.02.2026", date(2026, 2, 3)),
    ],
)
def test_date_line(line: str, day: date) -> None:
    document = extract(f"# Outage\n\n{line}\n\nBody.\n")
    assert (document.postmortem.date, document.postmortem.date_origin) == (day, "date_line")


def test_ambiguous_numeric_date_is_refused_and_reported() -> None:
    document = extract("# Outage\n\nDate: 03/02/2026\n")
    assert (document.postmortem.date, document.postmortem.date_origin) == (None, None)
    assert [p.line for p in document.problems] == [3]


def test_file_name_date_wins_over_a_date_line() -> None:
    document = extract("# Outage\n\nDate: 2026-05-05\n", document="2026-05-04-outage.md")
    assert (document.postmortem.date, document.postmortem.date_origin) == (
        date(2026, 5, 4),
        "filename",
    )


def test_no_date_anywhere() -> None:
    pm = extract("# Outage\n\nNo date here.\n").postmortem
    assert (pm.date, pm.date_origin) == (None, None)


def test_humanised_name() -> None:
    assert humanised_name("a/b/2026-03-01-db-outage.md") == "Db outage"
    assert humanised_name("notes.txt") == "Notes"
