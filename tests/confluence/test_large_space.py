"""A Data Center space larger than one versioned listing (200 pages): a cycle with nothing
changed costs two requests (the ids, 1,000 a request without expansions, then the pages most
recently modified until one is unchanged), a changed page is still found and fetched, and a
page syncd does not know yet brings back the full listing."""

from __future__ import annotations

from pathlib import Path

from tests.confluence.support import documents, failures, source_for
from tests.fakes.confluence.server import FakeConfluence

PAGES = 230
BODY = "<h2>Action items</h2><ul><li>Rotate the keys of service {n} @alice due 2027-01-15</li></ul>"


def _listings(fake: FakeConfluence) -> list[dict[str, list[str]]]:
    return [r.query for r in fake.requests if r.path == "/rest/api/content/search"]


def test_a_large_space_costs_two_requests_when_nothing_changed(
    fake_confluence_dc: FakeConfluence, tmp_path: Path
) -> None:
    fake = fake_confluence_dc
    ids = [fake.state.add_page("PAY", f"Review {n}", BODY.format(n=n)).id for n in range(PAGES)]
    source = source_for(fake, tmp_path)
    first = list(source.read())
    assert len(first) == PAGES and not failures(first)
    fake.clear_requests()

    again = list(source.read())

    assert again == first
    assert fake.page_reads() == []
    listings = _listings(fake)
    assert len(fake.requests) == 2, [q.get("cql") for q in listings]
    assert "expand" not in listings[0] and listings[0]["limit"] == ["1000"]
    assert listings[1]["cql"][0].endswith("ORDER BY lastmodified DESC")

    fake.state.edit(ids[17], body=BODY.format(n="seventeen"))
    fake.clear_requests()
    edited = documents(list(source.read()))
    assert [r.path.rsplit("/", 1)[1] for r in fake.page_reads()] == [ids[17]]
    assert len(fake.requests) == 3  # ids, the recent pages (stopping at an unchanged one), 1 body
    assert "service seventeen" in edited["Review 17"].items[0].title

    fake.state.add_page("PAY", "A new review", BODY.format(n="new"))
    fake.clear_requests()
    grown = documents(list(source.read()))
    assert len(grown) == PAGES + 1 and "A new review" in grown
    assert [q.get("expand") for q in _listings(fake)][1:] == [["version,history"]] * 2
