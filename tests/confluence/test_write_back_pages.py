"""Write-back to Confluence pages over the fake (Cloud v2 and Data Center): each page with
edits is updated once as its next version, a second run writes nothing, a page saved by someone
between syncd's read and its write is read and edited again (their edit kept), and a page that
keeps changing waits for the next cycle; then ``syncd sync`` end to end with the fake Jira."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors.confluence import ConfluenceSource
from syncd.connector.model import ExtractedDocument
from syncd.connector.write_back import EditOutcome, WriteBackEdit
from tests.confluence.support import fixture, source_for
from tests.confluence.test_cli import run_cli, team_file
from tests.fakes.confluence import contract
from tests.fakes.confluence.server import CLOUD_API, FakeConfluence
from tests.fakes.confluence.state import Page
from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TASKS = "task-list-with-assignees.xml"
BROWSE = "https://acme.atlassian.net/browse/"


@pytest.fixture(params=["cloud", "datacenter"])
def wiki(request: pytest.FixtureRequest) -> Any:
    with FakeConfluence(request.param) as fake:
        yield fake


def _source(fake: FakeConfluence, tmp_path: Path) -> ConfluenceSource:
    return source_for(fake, tmp_path, write_back={"mode": "commit"})


def _edits(source: ConfluenceSource) -> list[WriteBackEdit]:
    [document] = [r for r in source.read() if isinstance(r, ExtractedDocument)]
    return [
        WriteBackEdit(f"item{n}", document.postmortem.document, item.line, item.title,
                      f"PAY-{n + 1}", f"{BROWSE}PAY-{n + 1}", done=not item.done and n == 0,
                      native_id=item.native_id)
        for n, item in enumerate(document.items)
    ]  # fmt: skip


def _known_spec_quirk_only(problems: list[str]) -> bool:
    """The description's body is ``oneOf`` two schemas that both accept any object (neither
    requires a field), so no body can pass ``oneOf``: that problem alone is not the request's.
    The body sent is Atlassian's documented ``{representation: storage, value}``."""
    return all(p.startswith("PUT /pages/{id} body: body: ") for p in problems)


def _puts(fake: FakeConfluence) -> list[Any]:
    return [r for r in fake.requests if r.method == "PUT"]


def test_a_page_is_updated_once_as_its_next_version_and_never_again(
    wiki: FakeConfluence, tmp_path: Path
) -> None:
    page = wiki.state.add_page("PAY", "Search lag", fixture(TASKS))
    source = _source(wiki, tmp_path)
    assert source.writes_back
    edits = _edits(source)
    result = source.write_back(edits, NOW)
    assert [r.outcome for r in result.results] == [EditOutcome.WRITTEN] * 3
    assert page.version == 2 and page.title == "Search lag"
    assert result.change is not None and page.id in result.change
    [put] = _puts(wiki)
    assert put.body["version"]["number"] == 2 and put.body["version"]["message"].startswith("syncd")
    assert "<ac:task-status>complete</ac:task-status>" in page.body.split("</ac:task>")[0]
    for n in (1, 2, 3):
        assert f'<a href="{BROWSE}PAY-{n}">PAY-{n}</a>' in page.body
    # The page read again: the same items by task id, each naming its key; nothing to write.
    again = source.write_back(edits, NOW)
    assert [r.outcome for r in again.results] == [EditOutcome.PRESENT] * 3
    assert again.change is None and len(_puts(wiki)) == 1 and page.version == 2
    if wiki.mode == "cloud":
        assert _known_spec_quirk_only(contract.validate_requests(_puts(wiki)))


def test_a_concurrent_edit_is_read_again_and_kept(wiki: FakeConfluence, tmp_path: Path) -> None:
    page = wiki.state.add_page("PAY", "Search lag", fixture(TASKS))
    source = _source(wiki, tmp_path)
    edits = _edits(source)
    saved: list[int] = []

    def a_person_saves(current: Page) -> None:
        if not saved:  # once: between syncd's first read and its write
            wiki.state.edit(current.id, body=current.body + "<p>Added by Carol.</p>")
            saved.append(current.version)

    wiki.before_update = a_person_saves
    result = source.write_back(edits, NOW)
    assert [r.outcome for r in result.results] == [EditOutcome.WRITTEN] * 3
    assert page.version == 3  # Carol's version 2, then syncd's 3
    assert "<p>Added by Carol.</p>" in page.body and "PAY-3</a>" in page.body
    assert [p.status for p in _puts(wiki)] == [409, 200]


def test_a_page_that_keeps_changing_waits_for_the_next_cycle(
    wiki: FakeConfluence, tmp_path: Path
) -> None:
    page = wiki.state.add_page("PAY", "Search lag", fixture(TASKS))
    source = _source(wiki, tmp_path)
    edits = _edits(source)

    def a_person_saves(current: Page) -> None:
        wiki.state.edit(current.id, body=current.body + "<p>again</p>")

    wiki.before_update = a_person_saves
    result = source.write_back(edits, NOW)
    assert {r.outcome for r in result.results} == {EditOutcome.RETRY}
    assert "next cycle" in (result.results[0].reason or "")
    assert "PAY-1" not in page.body and page.body.count("<p>again</p>") == 2
    assert len(_puts(wiki)) == 2 and result.change is None


def test_faults_and_refusals_answer_retry_with_a_reason_and_no_secret(
    wiki: FakeConfluence, tmp_path: Path
) -> None:
    wiki.state.add_page("PAY", "Search lag", fixture(TASKS))
    source = _source(wiki, tmp_path)
    edits = _edits(source)
    wiki.faults.on("PUT", "*", Fault("503"), times=None)
    result = source.write_back(edits, NOW)
    assert {r.outcome for r in result.results} == {EditOutcome.RETRY}
    assert all(wiki.secret not in (r.reason or "") for r in result.results)


def test_an_archived_page_and_a_foreign_document_are_not_written(
    wiki: FakeConfluence, tmp_path: Path
) -> None:
    page = wiki.state.add_page("PAY", "Search lag", fixture(TASKS))
    source = _source(wiki, tmp_path)
    edits = _edits(source)
    page.status = "archived"
    foreign = WriteBackEdit("x", "https://elsewhere/pages/viewpage.action?pageId=1", 1, "t",
                            "PAY-9", None, False)  # fmt: skip
    result = source.write_back([*edits, foreign], NOW)
    # Cloud reads an archived page and refuses it; Data Center answers 404 (tried again)
    assert result.results[-1].outcome is EditOutcome.FAILED
    assert {r.outcome for r in result.results} <= {EditOutcome.FAILED, EditOutcome.RETRY}
    assert _puts(wiki) == [] and page.version == 1


def test_write_back_is_off_unless_asked_and_pull_requests_are_refused(
    wiki: FakeConfluence, tmp_path: Path
) -> None:
    assert not source_for(wiki, tmp_path).writes_back
    with pytest.raises(ValueError, match="Confluence has no pull requests"):
        source_for(wiki, tmp_path, write_back={"mode": "pull_request"})


# --- end to end: syncd sync -----------------------------------------------------------------


def _sync(root: Path, wiki: FakeConfluence, jira: FakeJira, config: str) -> list[str]:
    """Sync, then the ids of the team's items (``syncd status``)."""
    run_cli(root, wiki, jira, wiki.token, "sync", "--config", config)
    shown = run_cli(root, wiki, jira, wiki.token, "status", "--config", config, "--json")
    return sorted(item["id"] for item in json.loads(shown.stdout)["teams"]["payments"]["items"])


def test_sync_writes_the_keys_into_the_page_once_and_adopts_them(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    page = fake_confluence.state.add_page("PAY", "Search lag", fixture(TASKS))
    config = team_file(tmp_path, fake_confluence, fake_jira, "    write_back: {mode: commit}\n")
    first = _sync(tmp_path, fake_confluence, fake_jira, config)
    created = len(fake_jira.state.issues)
    assert created >= 2 and page.version == 2
    for key in fake_jira.state.issues:
        assert f">{key}</a>" in page.body
    second = _sync(tmp_path, fake_confluence, fake_jira, config)
    assert page.version == 2  # nothing written again
    assert len([r for r in fake_confluence.requests if r.method == "PUT"]) == 1
    assert len(fake_jira.state.issues) == created  # adopted, no duplicate
    assert second == first  # the same items
    # A person edits the page: the keys stay, their edit stays, nothing new is written.
    fake_confluence.state.edit(page.id, body=page.body + "<p>Reviewed.</p>")
    third = _sync(tmp_path, fake_confluence, fake_jira, config)
    assert third == first and len(fake_jira.state.issues) == created
    assert page.version == 3 and "<p>Reviewed.</p>" in page.body


def test_the_cloud_put_is_in_the_description() -> None:
    body = {
        "id": "65537",
        "status": "current",
        "title": "t",
        "body": {"representation": "storage", "value": "<p>x</p>"},
        "version": {"number": 2, "message": "m"},
    }
    assert _known_spec_quirk_only(
        contract.validate_request("PUT", f"{CLOUD_API}/pages/65537", {}, body)
    )
    wrong = contract.validate_request("PUT", f"{CLOUD_API}/pages/65537", {}, {"id": "1"})
    assert wrong
