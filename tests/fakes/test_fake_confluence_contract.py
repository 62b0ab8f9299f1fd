"""The fake Confluence against Atlassian's description: every request the Confluence source
sends to Cloud, and every answer the fake gives it, validated against the v2 OpenAPI file
(`tests/specs/confluence-cloud-v2.json`). Data Center has no official description here: its
answers are checked by hand for the fields the source reads, as Atlassian documents them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.confluence.support import seed, source_for
from tests.fakes.confluence import contract
from tests.fakes.confluence.fixtures import fake_confluence, fake_confluence_dc
from tests.fakes.confluence.server import CLOUD_API, CLOUD_ROUTES, FakeConfluence

__all__ = ["fake_confluence", "fake_confluence_dc"]


def _tree(fake: FakeConfluence) -> None:
    ids = seed(fake)
    parent = ids["no-actions.xml"]
    for n in range(4):
        fake.state.add_page("PAY", f"child {n}", "<p>x</p>", parent=parent, labels=("pm",))


def _drive(fake: FakeConfluence, tmp_path: Path) -> None:
    """Every kind of request the source sends: space, parent, label, paging, a second cycle."""
    _tree(fake)
    fake.page_cap = 5
    for n, selection in enumerate(
        [{}, {"parent": "no-actions"}, {"label": "pm"}, {"label": "pm", "space": None}]
    ):
        source = source_for(fake, tmp_path / str(n), **selection)
        list(source.read())
        if n == 0:  # a second cycle asks only for the listing again
            list(source.read())
    child = next(p for p in fake.state.pages.values() if p.title == "child 0")
    child.status = "trashed"  # gone from the label's listing: the source asks about it
    list(source.read())


def test_every_request_the_source_sends_is_in_the_description(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    _drive(fake_confluence, tmp_path)
    sent = fake_confluence.requests
    assert {r.endpoint for r in sent} == {
        f"GET {CLOUD_API}/spaces",
        f"GET {CLOUD_API}/spaces/{{id}}/pages",
        f"GET {CLOUD_API}/pages/{{id}}",
        f"GET {CLOUD_API}/labels",
        f"GET {CLOUD_API}/labels/{{id}}/pages",
    }
    assert contract.validate_requests(sent) == []


def test_every_answer_the_fake_gives_is_in_the_description(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    _drive(fake_confluence, tmp_path)
    for page in fake_confluence.state.pages.values():
        page.status = "current"  # out of the trash: every request is asked again as it was
    asked = sorted(
        {(r.path, tuple((k, tuple(v)) for k, v in sorted(r.query.items())))
         for r in fake_confluence.requests}
    )  # fmt: skip
    auth = (fake_confluence.email, fake_confluence.token)
    with httpx.Client(base_url=fake_confluence.root_url, auth=auth) as client:
        for path, query in asked:
            answer = client.get(path, params=[(k, v) for k, vs in query for v in vs])
            assert answer.status_code == 200, (path, query)
            problems = contract.validate_response(
                "GET", path, 200, answer.json(), dict(answer.headers)
            )
            assert problems == [], (path, query)
    assert len(asked) > 20


def test_every_cloud_route_of_the_fake_is_in_the_description() -> None:
    spec = contract.load_spec()
    for route in CLOUD_ROUTES:
        assert route.method.lower() in spec["paths"][route.template], route.template


def test_a_request_outside_the_description_is_caught() -> None:
    problems = contract.validate_request("GET", f"{CLOUD_API}/pages/12", {"expand": ["body"]})
    assert problems == ["GET /pages/{id}: query parameter 'expand' is not in the spec"]
    limit = contract.validate_request("GET", f"{CLOUD_API}/spaces/1/pages", {"limit": ["x"]})
    assert limit and "is not integer" in limit[0]
    wrong = contract.validate_response("GET", f"{CLOUD_API}/pages/12", 200, {"id": 12})
    assert wrong and "is not of type 'string'" in wrong[0]


@pytest.mark.parametrize("selection", [{}, {"parent": "no-actions", "label": "pm"}])
def test_data_center_answers_have_the_documented_shape(
    fake_confluence_dc: FakeConfluence, tmp_path: Path, selection: dict[str, str]
) -> None:
    _tree(fake_confluence_dc)
    list(source_for(fake_confluence_dc, tmp_path, **selection).read())
    headers = {"Authorization": f"Bearer {fake_confluence_dc.pat}"}
    with httpx.Client(base_url=fake_confluence_dc.root_url, headers=headers) as client:
        for request in fake_confluence_dc.requests:
            query = [(k, v) for k, vs in request.query.items() for v in vs]
            body = client.get(request.path, params=query).json()
            if request.endpoint in ("GET /rest/api/content/search", "GET /rest/api/content"):
                assert {"results", "start", "limit", "size", "_links"} <= body.keys()
                for page in body["results"]:
                    assert {"id", "type", "status", "title", "version", "_links"} <= page.keys()
                    assert isinstance(page["version"]["number"], int)
                    assert page["history"]["createdDate"].endswith("Z")
            elif request.endpoint == "GET /rest/api/content/{id}":
                assert isinstance(body["body"]["storage"]["value"], str)
                assert body["body"]["storage"]["representation"] == "storage"
                assert isinstance(body["version"]["number"], int)
            else:
                assert request.endpoint == "GET /rest/api/space/{key}"
                assert {"id", "key", "name"} <= body.keys()
    searched = [r for r in fake_confluence_dc.requests if r.path.endswith("/search")]
    assert searched and all(r.query["expand"] == ["version,history"] for r in searched)
