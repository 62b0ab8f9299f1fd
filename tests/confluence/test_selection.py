"""Which pages a source reads, on Cloud and Data Center: a space, a parent page's descendants
(by id or title), a label, with paging; and the settings that cannot work."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.confluence import ConfluenceSettings
from syncd.connector.source import SourceError
from tests.confluence.support import documents, source_for
from tests.fakes.confluence.server import FakeConfluence

ACTIONS = "<h2>Action items</h2><ul><li>Fix {} (owner: Pat)</li></ul>"


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> FakeConfluence:
    name = "fake_confluence" if request.param == "cloud" else "fake_confluence_dc"
    built: FakeConfluence = request.getfixturevalue(name)
    return built


def _tree(fake: FakeConfluence) -> None:
    """PAY: Postmortems > 2026 > {a, b}; Postmortems > c; Runbooks > d. OPS: e."""
    state = fake.state
    root = state.add_page("PAY", "Postmortems", "<p>index</p>")
    year = state.add_page("PAY", "2026", ACTIONS.format("year"), parent=root.id)
    state.add_page("PAY", "a", ACTIONS.format("a"), parent=year.id, labels=("postmortem",))
    state.add_page("PAY", "b", ACTIONS.format("b"), parent=year.id)
    state.add_page("PAY", "c", ACTIONS.format("c"), parent=root.id, labels=("postmortem",))
    runbooks = state.add_page("PAY", "Runbooks", "<p>index</p>")
    state.add_page("PAY", "d", ACTIONS.format("d"), parent=runbooks.id, labels=("postmortem",))
    state.add_page("OPS", "e", ACTIONS.format("e"), labels=("postmortem",))


def _titles(fake: FakeConfluence, tmp_path: Path, **selection: object) -> list[str]:
    return sorted(documents(list(source_for(fake, tmp_path, **selection).read())))


def test_a_space_gives_all_its_pages(fake: FakeConfluence, tmp_path: Path) -> None:
    _tree(fake)
    assert _titles(fake, tmp_path) == ["2026", "Postmortems", "Runbooks", "a", "b", "c", "d"]


def test_a_parent_gives_its_descendants_by_id(fake: FakeConfluence, tmp_path: Path) -> None:
    _tree(fake)
    root = next(p for p in fake.state.pages.values() if p.title == "Postmortems")
    assert _titles(fake, tmp_path, parent=root.id) == ["2026", "a", "b", "c"]


def test_a_parent_gives_its_descendants_by_title(fake: FakeConfluence, tmp_path: Path) -> None:
    _tree(fake)
    assert _titles(fake, tmp_path, parent="Postmortems") == ["2026", "a", "b", "c"]


def test_a_label_narrows_the_space(fake: FakeConfluence, tmp_path: Path) -> None:
    _tree(fake)
    assert _titles(fake, tmp_path, label="postmortem") == ["a", "c", "d"]


def test_a_label_alone_reads_every_space(fake: FakeConfluence, tmp_path: Path) -> None:
    _tree(fake)
    assert _titles(fake, tmp_path, space=None, label="postmortem") == ["a", "c", "d", "e"]


def test_a_label_and_a_parent_together(fake: FakeConfluence, tmp_path: Path) -> None:
    _tree(fake)
    assert _titles(fake, tmp_path, label="postmortem", parent="Postmortems") == ["a", "c"]


def test_listings_are_paged(fake: FakeConfluence, tmp_path: Path) -> None:
    for n in range(7):
        fake.state.add_page("PAY", f"page {n}", ACTIONS.format(n))
    fake.page_cap = 3
    assert len(_titles(fake, tmp_path)) == 7
    listings = [r for r in fake.requests if r.path.endswith(("/pages", "/search"))]
    assert len(listings) == 3  # 3 + 3 + 1


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ({"space": "NOPE"}, "space 'NOPE'"),
        ({"parent": "No such page"}, "parent page 'No such page'"),
    ],
)
def test_what_the_settings_name_but_confluence_lacks_fails_the_source(
    fake: FakeConfluence, tmp_path: Path, selection: dict[str, str], message: str
) -> None:
    _tree(fake)
    with pytest.raises(SourceError, match=message) as raised:
        list(source_for(fake, tmp_path, **selection).read())
    assert "items are kept as they were" in str(raised.value)


def test_an_unknown_label_fails_a_cloud_source(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    _tree(fake_confluence)
    with pytest.raises(SourceError, match="label 'nope'"):
        list(source_for(fake_confluence, tmp_path, label="nope").read())


@pytest.mark.parametrize(
    ("values", "where", "message"),
    [
        ({"space": None}, "space", "say which pages to read"),
        ({"space": None, "label": "pm", "parent": "1"}, "parent", "parent needs space"),
        ({"auth": {"token": "t0ken-123456"}}, "auth.email", "needs the account's e-mail"),
        (
            {"url": "https://confluence.acme.com", "auth": {"email": "a@b.c", "token": "t"}},
            "auth.email",
            "personal access token alone",
        ),
        ({"space": "PAY SPACE"}, "space", "space key"),
        ({"label": "two words"}, "label", "without spaces"),
        ({"url": "https://user:pw@acme.atlassian.net/wiki"}, "url", "credentials"),
        ({"max_document_bytes": 67108865}, "max_document_bytes", "less than or equal"),
    ],
)
def test_settings_that_cannot_work_are_refused_on_their_key(
    values: dict[str, object], where: str, message: str
) -> None:
    base: dict[str, object] = {
        "url": "https://acme.atlassian.net/wiki",
        "auth": {"email": "bot@acme.com", "token": "cloud-token-123456"},
        "space": "PAY",
    }
    with pytest.raises(ValidationError) as raised:
        ConfluenceSettings.model_validate({k: v for k, v in {**base, **values}.items() if v})
    error = raised.value.errors()[0]
    assert ".".join(map(str, error["loc"])) == where
    assert message in error["msg"]
    assert "123456" not in str(raised.value)


def test_the_deployment_is_inferred_from_the_url() -> None:
    cloud = ConfluenceSettings.model_validate(
        {"url": "https://acme.atlassian.net/wiki", "space": "PAY",
         "auth": {"email": "bot@acme.com", "token": "x"}}
    )  # fmt: skip
    dc = ConfluenceSettings.model_validate(
        {"url": "https://wiki.acme.com/confluence", "space": "PAY", "auth": {"token": "x"}}
    )
    assert (cloud.resolved_deployment, dc.resolved_deployment) == ("cloud", "datacenter")
