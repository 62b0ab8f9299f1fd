"""Services as hostile or careless documents write them: hyphenated names holding "and", names
with a slash, lists in front matter, and ``syncd status --service`` on a postmortem that names
more than one service."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

import syncd.resolve.services as services_module
from syncd.cli.status_filters import StatusFilter, keep_items
from syncd.judge.recurrence import services_of
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.services import services_in_title
from syncd.store import StateStore
from tests.digest.team_fixture import item, postmortem
from tests.resolve.test_services import _services


@pytest.mark.parametrize(
    ("front_matter", "body", "expected"),
    [
        ({"service": "search-and-browse"}, "", "search-and-browse"),
        ({"services": ["search-and-browse", "ledger"]}, "", "search-and-browse, ledger"),
        ({}, "Service: search-and-browse\n", "search-and-browse"),
        ({}, "Services: `search-and-browse` and `ledger`\n", "search-and-browse, ledger"),
        # A list is explicit: each entry is one service, whatever it holds.
        ({"services": ["payments/ledger", "R&D portal"]}, "", "payments/ledger, R&D portal"),
    ],
)
def test_a_service_name_is_not_cut_inside_a_word(
    front_matter: dict[str, object], body: str, expected: str
) -> None:
    assert _services(front_matter, body) == expected


def test_status_service_finds_a_postmortem_that_names_several_services(
    migrated_store_url: str,
) -> None:
    both = dataclasses.replace(
        postmortem("cart", "Cart outage", date(2026, 11, 2)), service="checkout-api, ledger"
    )
    assert services_of(both) == ("checkout-api", "ledger")  # what the digest's recurrence reads
    with StateStore.open(migrated_store_url) as store:
        store.migrate()
        store.save_items("payments", [item("Add a cart alert", both)], seen_at=datetime.now(UTC))
        stored = store.stored_items("payments")

    def kept(service: str) -> int:
        chosen = StatusFilter(service=service)
        return len(keep_items(stored, {}, {}, PeopleDirectory([]), chosen, date(2026, 12, 1)))

    assert kept("checkout-api, ledger") == 1
    assert kept("ledger") == 1, "--service misses a postmortem naming two services"
    assert kept("Checkout-API") == 1
    assert kept("ledge") == 0


@pytest.mark.timeout(60)  # a guard, not a measure: the quadratic split took many minutes
@pytest.mark.parametrize(
    "written",
    [
        "checkout-api" + " " * 200_000 + "ledger",  # a run of blanks between two names
        "checkout-api" + "\t \n" * 60_000 + ", ledger",
    ],
)
def test_a_long_run_of_blanks_in_a_service_is_read_in_linear_time(written: str) -> None:
    # Every split of the run was tried at every position (quadratic): 40,000 blanks took a
    # minute, over any document's time budget, and the whole postmortem was skipped.
    assert _services({"service": written}) in ("checkout-api ledger", "checkout-api, ledger")
    assert _services({}, f"Service: {written}\n") == "checkout-api"  # the line ends first


def test_the_teams_words_for_as_many_services_as_allowed_compile_once_per_team(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 500 services (the team file's limit) of three words each: 2,000 patterns, more than the
    # regex module caches, were compiled again for every document's title (0.2 s each).
    words = {f"svc-{n}": [f"word{n}", f"alias{n}", f"other{n}"] for n in range(500)}
    compiled: list[object] = []
    real = services_module._whole_words

    def counting(names: Sequence[str]) -> re.Pattern[str]:
        compiled.append(names)
        return real(names)

    monkeypatch.setattr(services_module, "_whole_words", counting)
    services_module._patterns.cache_clear()
    found = [services_in_title(f"Outage {n} after a deploy of word499", words) for n in range(200)]
    assert set(found) == {"svc-499"}
    assert len(compiled) == 500, "the team's patterns are compiled again per title"
