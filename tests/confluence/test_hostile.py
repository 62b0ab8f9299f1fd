"""Hostile pages: what a careless or hostile author, or a broken proxy, can put in front of the
Confluence source. Each page that cannot be read is reported; the others are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.confluence.cloud import CloudPages
from connectors.confluence.datacenter import DataCenterPages
from tests.confluence.support import documents, failures, source_for
from tests.fakes.confluence.server import FakeConfluence

_TASKS = (
    "<h2>Action items</h2><ac:task-list><ac:task><ac:task-id>1</ac:task-id>"
    "<ac:task-status>incomplete</ac:task-status><ac:task-body>{text}</ac:task-body></ac:task>"
    "</ac:task-list>"
)


def test_a_lone_surrogate_in_a_body_or_title_stops_no_page(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    # Valid JSON ("\ud800" escaped), not valid Unicode: it once raised out of read().
    fake_confluence.state.add_page("PAY", "Good", _TASKS.format(text="Rotate the keys"))
    fake_confluence.state.add_page("PAY", "Bad \ud800", _TASKS.format(text="Fix \udc00 it"))
    results = list(source_for(fake_confluence, tmp_path).read())
    read = documents(results)
    assert failures(results) == []
    assert [i.title for i in read["Good"].items] == ["Rotate the keys"]
    assert [i.title for i in read["Bad \ufffd"].items] == ["Fix \ufffd it"]


def test_a_cache_with_fields_of_the_wrong_type_is_read_as_no_cache(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    fake_confluence.state.add_page("PAY", "Good", _TASKS.format(text="Rotate the keys"))
    source = source_for(fake_confluence, tmp_path)
    (first,) = documents(list(source.read()))["Good"].items
    cached = json.loads(source.cache_path.read_text(encoding="utf-8"))
    for page in cached["pages"].values():
        item = page["document"]["items"][0]
        item.update(title=7, line="one", tracker_refs=[1], done="yes")
    source.cache_path.write_text(json.dumps(cached), encoding="utf-8")

    again = list(source_for(fake_confluence, tmp_path).read())  # a new process: from the file
    (item,) = documents(again)["Good"].items
    assert item == first  # read afresh, not the mangled copy
    assert isinstance(item.title, str) and isinstance(item.line, int)


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_a_page_the_listing_loses_but_still_current_in_the_space_is_not_removed(
    deployment: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake: FakeConfluence = request.getfixturevalue(
        "fake_confluence" if deployment == "cloud" else "fake_confluence_dc"
    )
    fake.state.add_page("PAY", "Kept", _TASKS.format(text="Rotate the keys"))
    lost = fake.state.add_page("PAY", "Lost", _TASKS.format(text="Add an alert"))
    source = source_for(fake, tmp_path)
    assert set(documents(list(source.read()))) == {"Kept", "Lost"}

    # A listing that lost a page (a lagging search index, a proxy dropping the next-page
    # link): the page is still there, current, in the space the source reads. It was once
    # taken as removed, its items orphaned.
    pages = CloudPages if deployment == "cloud" else DataCenterPages
    listed = pages.list_pages
    monkeypatch.setattr(
        pages,
        "list_pages",
        lambda self, *known: [p for p in listed(self, *known) if p.title != "Lost"],
    )
    again = list(source.read())
    assert set(documents(again)) == {"Kept"}
    (failure,) = failures(again)
    assert failure.document.endswith(f"pageId={lost.id}")
    assert "still in the space" in failure.error

    fake.state.add_page("OPS", "Elsewhere", "<p>x</p>")  # a page moved out is still removed
    fake.state.pages[lost.id].space = fake.state.space("OPS")
    assert failures(list(source.read())) == []


def test_a_page_listed_twice_is_read_once(
    fake_confluence: FakeConfluence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cursor pages that overlap (a page edited while the space was paged): one page, one
    # document in the read, else the core would see its items twice.
    fake_confluence.state.add_page("PAY", "Once", _TASKS.format(text="Rotate the keys"))
    listed = CloudPages.list_pages
    monkeypatch.setattr(CloudPages, "list_pages", lambda self: listed(self) * 2)
    results = list(source_for(fake_confluence, tmp_path).read())
    assert [type(r).__name__ for r in results] == ["ExtractedDocument"]


def test_a_trashed_copy_of_the_parent_page_does_not_fail_the_source(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    # Someone copied the parent page and trashed the copy: Cloud's listing (which includes the
    # trash) then has two pages of that title, and the whole source once failed on it.
    state = fake_confluence.state
    root = state.add_page("PAY", "Postmortems", "<p>Index</p>")
    state.add_page("PAY", "Outage", _TASKS.format(text="Rotate the keys"), parent=root.id)
    state.add_page("PAY", "Postmortems", "<p>Old copy</p>").status = "trashed"
    results = list(source_for(fake_confluence, tmp_path, parent="Postmortems").read())
    assert list(documents(results)) == ["Outage"]
