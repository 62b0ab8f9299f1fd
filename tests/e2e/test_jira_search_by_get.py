"""A Jira Data Center (or a proxy in front of it) that answers 405 to ``POST /rest/api/2/search``:
whole ``syncd sync`` processes still mirror every item exactly once, searching with GET."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.workspaces import JiraWorkspace, write_postmortems
from tests.fakes.jira.contract import validate_requests
from tests.fakes.jira.server import FakeJira

DOCUMENTS, ITEMS_PER_DOCUMENT = 4, 5
ITEMS = DOCUMENTS * ITEMS_PER_DOCUMENT
SEARCH = "/rest/api/2/search"


def test_a_site_refusing_post_search_is_mirrored_once_by_get(tmp_path: Path) -> None:
    with FakeJira("datacenter", search_page_cap=7) as fake:  # several pages per search
        fake.refuse_post_search()
        ws = JiraWorkspace(tmp_path, fake, mode="datacenter")
        write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
        ws.write_config()

        first = ws.sync()
        sent_first = fake.requests
        searches = [r for r in sent_first if r.path == SEARCH]
        fake.clear_requests()
        second = ws.sync()
        again = [r for r in fake.requests if r.path == SEARCH]

    assert (first["created"], first["errors"]) == (ITEMS, [])
    assert (second["created"], second["updated"], second["errors"]) == (0, 0, [])
    per_marker = ws.issues_per_marker()
    assert len(per_marker) == ITEMS and set(per_marker.values()) == {1}
    assert len(fake.state.issues) == ITEMS
    # Each process is refused once, then searches by GET: the duplicate guard after the bulk
    # creates read every marker back over several pages.
    for log in (searches, again):
        assert [r.method for r in log if r.method == "POST"] == ["POST"]
        assert {r.status for r in log if r.method == "POST"} == {405}
        assert all(r.status == 200 for r in log if r.method == "GET") and len(log) > 1
    assert any(r.query.get("startAt") == ["7"] for r in searches)  # paged by GET
    assert validate_requests([*sent_first, *fake.requests]) == []
