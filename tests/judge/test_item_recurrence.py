"""What an item of a new postmortem shows of earlier ones on its service (``item_recurrences``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from syncd.judge.recurrence import SeenItem, item_recurrences, names_service, service_names
from syncd.model import Postmortem

SEEN = datetime(2026, 11, 1, tzinfo=UTC)


def _pm(document: str, day: int, service: str | None) -> Postmortem:
    return Postmortem(
        source="pm",
        document=document,
        title=document.removesuffix(".md"),
        date=date(2026, 10, day),
        date_origin="front_matter",
        service=service,
    )


def test_a_new_postmortem_shows_the_open_items_of_earlier_ones_on_its_service() -> None:
    first = _pm("first.md", 1, "checkout-api")
    second = _pm("second.md", 5, "Checkout-API, ledger")
    unrelated = _pm("other.md", 2, "search")
    new = _pm("new.md", 20, "ledger, checkout-api")
    items = [
        SeenItem(first, SEEN, True, "PAY-1"),
        SeenItem(first, SEEN, False, "PAY-2"),  # done: not counted
        SeenItem(second, SEEN, True, "PAY-7"),
        SeenItem(second, SEEN, True, None),  # open, no issue yet: counted, no key
        SeenItem(unrelated, SEEN, True, "PAY-3"),
        SeenItem(new, SEEN, True, "PAY-9"),
    ]
    found = item_recurrences(items)
    mine = found[("pm", "new.md")]
    # Its first service with earlier open items: ledger (second.md only).
    assert (mine.service, mine.open_items, mine.issue_keys) == ("ledger", 2, ("PAY-7",))
    assert mine.line() == "2 open items from 1 earlier postmortem on ledger: PAY-7"
    assert found[("pm", "second.md")].line() == (
        "1 open item from 1 earlier postmortem on Checkout-API: PAY-1"  # as it writes it
    )
    assert ("pm", "first.md") not in found and ("pm", "other.md") not in found
    assert mine.as_json()["earlier_postmortems"] == [{"title": "second", "date": "2026-10-05"}]


def test_nothing_recurs_once_the_earlier_items_are_done_or_the_service_differs() -> None:
    first = _pm("first.md", 1, "checkout-api")
    new = _pm("new.md", 20, "checkout-api")
    done = SeenItem(first, SEEN, False, "PAY-1")
    assert item_recurrences([done, SeenItem(new, SEEN, True)]) == {}
    elsewhere = replace(new, service="ledger")
    assert item_recurrences([SeenItem(first, SEEN, True), SeenItem(elsewhere, SEEN, True)]) == {}


def test_one_service_written_in_two_cases_or_spacings_recurs_once() -> None:
    """A postmortem naming "checkout-api, Checkout-API" (or "checkout  api" and "checkout api")
    names one service: one recurrence in the digest, not one per spelling."""
    assert service_names("checkout-api, Checkout-API , CHECKOUT-API") == ("checkout-api",)
    assert service_names("checkout  api, checkout api") == ("checkout api",)
    assert names_service("Checkout  API", " checkout api ")
    first = _pm("first.md", 1, "checkout api")
    new = _pm("new.md", 20, "checkout  api")
    found = item_recurrences([SeenItem(first, SEEN, True, "PAY-1"), SeenItem(new, SEEN, True)])
    assert (
        found[("pm", "new.md")].line()
        == "1 open item from 1 earlier postmortem on checkout api: PAY-1"
    )
