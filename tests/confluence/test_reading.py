"""Reading pages: incremental cycles (counted requests), what is remembered across a restart,
and one page that cannot be read never stopping the others nor reading as a deletion."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceError
from syncd.connector.testing import VirtualClock
from tests.confluence.support import NOW, documents, failures, fixture, seed, source_for
from tests.fakes.confluence.server import FakeConfluence
from tests.fakes.faults import Fault

TASKS = "task-list-with-assignees.xml"


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> FakeConfluence:
    name = "fake_confluence" if request.param == "cloud" else "fake_confluence_dc"
    built: FakeConfluence = request.getfixturevalue(name)
    return built


def test_a_cycle_with_nothing_changed_costs_one_request(
    fake: FakeConfluence, tmp_path: Path
) -> None:
    seed(fake)
    source = source_for(fake, tmp_path)
    first = list(source.read())
    assert len(fake.page_reads()) == 11 and not failures(first)
    fake.clear_requests()

    second = list(source.read())

    assert second == first  # every page again, from what was remembered
    assert len(fake.requests) == 1 and fake.page_reads() == []


def test_only_a_changed_page_is_fetched_again(fake: FakeConfluence, tmp_path: Path) -> None:
    ids = seed(fake)
    source = source_for(fake, tmp_path)
    list(source.read())
    fake.state.edit(ids[TASKS], body=fixture(TASKS).replace("Roll back", "Revert"))
    fake.clear_requests()

    again = documents(list(source.read()))

    assert [r.path.rsplit("/", 1)[1] for r in fake.page_reads()] == [ids[TASKS]]
    titles = [i.title for i in again["task-list-with-assignees"].items]
    assert "Revert the migration" in titles and len(again) == 11


def test_a_reworded_task_keeps_its_native_id_across_cycles(
    fake: FakeConfluence, tmp_path: Path
) -> None:
    ids = seed(fake)
    source = source_for(fake, tmp_path)
    before = documents(list(source.read()))["task-list-with-assignees"].items
    fake.state.edit(ids[TASKS], body=fixture(TASKS).replace("Roll back the", "Undo the"))
    after = documents(list(source.read()))["task-list-with-assignees"].items
    assert [i.native_id for i in after] == [i.native_id for i in before]
    assert after[1].title == "Undo the migration" != before[1].title


def test_a_restart_reads_from_the_cache_file(fake: FakeConfluence, tmp_path: Path) -> None:
    seed(fake)
    first = list(source_for(fake, tmp_path).read())
    fake.clear_requests()

    restarted = list(source_for(fake, tmp_path).read())  # a new process: nothing in memory

    assert restarted == first and fake.page_reads() == []


def test_a_corrupt_cache_means_a_full_read(fake: FakeConfluence, tmp_path: Path) -> None:
    seed(fake)
    source = source_for(fake, tmp_path)
    first = list(source.read())
    source.cache_path.write_text('{"format": 1, "fingerprint": ', encoding="utf-8")
    fake.clear_requests()

    again = list(source_for(fake, tmp_path).read())

    assert again == first and len(fake.page_reads()) == 11


def test_a_renamed_page_keeps_its_document_id(fake: FakeConfluence, tmp_path: Path) -> None:
    ids = seed(fake)
    source = source_for(fake, tmp_path)
    before = documents(list(source.read()))["no-actions"].postmortem
    fake.state.edit(ids["no-actions.xml"], title="Blip in the EU load balancer")
    after = documents(list(source.read()))["Blip in the EU load balancer"].postmortem
    assert after.document == before.document
    assert after.url != before.url  # the page's link follows its title


def _one_bad_page(fake: FakeConfluence, tmp_path: Path, spoil: str) -> tuple[list[object], str]:
    ids = seed(fake)
    page = fake.state.pages[ids[TASKS]]
    if spoil == "restricted":
        page.restricted = True
    elif spoil == "vanished":
        page.vanished = True
    elif spoil == "large":
        page.body += "<p>" + "x" * 10000 + "</p>"
    elif spoil == "malformed":
        page.body = "<h2>Action items</h2><ul><li>never closed</ul>"
    return list(source_for(fake, tmp_path, max_document_bytes=8192).read()), page.id


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        ("restricted", "may not read this page (HTTP 403"),
        ("vanished", "deleted, or hidden by a restriction, since it was listed (HTTP 404)"),
        ("large", "over the source's max_document_bytes (8,192)"),
        ("malformed", "not well-formed storage format (line 1"),
    ],
)
def test_one_page_that_cannot_be_read_is_reported_and_the_rest_read(
    fake: FakeConfluence, tmp_path: Path, spoil: str, said: str
) -> None:
    results, page_id = _one_bad_page(fake, tmp_path, spoil)
    (failure,) = [r for r in results if isinstance(r, DocumentFailure)]
    assert said in failure.error
    assert "'task-list-with-assignees'" in failure.error  # names the page
    assert failure.document.endswith(f"pageId={page_id}")
    assert len([r for r in results if isinstance(r, ExtractedDocument)]) == 10


def test_a_page_refused_for_its_size_is_not_fetched_again_until_it_changes(
    fake: FakeConfluence, tmp_path: Path
) -> None:
    ids = seed(fake)
    fake.state.pages[ids[TASKS]].body += "<p>" + "x" * 10000 + "</p>"
    source = source_for(fake, tmp_path, max_document_bytes=8192)
    list(source.read())
    fake.clear_requests()
    again = list(source.read())
    assert fake.page_reads() == [] and len(failures(again)) == 1


def test_a_restricted_page_is_tried_again_next_cycle(fake: FakeConfluence, tmp_path: Path) -> None:
    ids = seed(fake)
    fake.state.pages[ids[TASKS]].restricted = True
    source = source_for(fake, tmp_path)
    assert len(failures(list(source.read()))) == 1
    fake.state.pages[ids[TASKS]].restricted = False
    healed = list(source.read())
    assert failures(healed) == [] and "task-list-with-assignees" in documents(healed)


@pytest.mark.parametrize("label", [None, "postmortem"])
def test_a_trashed_page_is_reported_until_it_is_purged(
    fake: FakeConfluence, tmp_path: Path, label: str | None
) -> None:
    ids = seed(fake, labels=("postmortem",))
    source = source_for(fake, tmp_path, label=label)
    list(source.read())
    fake.state.pages[ids[TASKS]].status = "trashed"

    for _ in range(2):  # reported every cycle while it is in the trash
        results = list(source.read())
        (failure,) = failures(results)
        assert "in the trash" in failure.error and "items are kept" in failure.error
        assert failure.document.endswith(f"pageId={ids[TASKS]}")
        assert "'task-list-with-assignees'" in failure.error
        assert len(results) == 11

    fake.state.purge(ids[TASKS])
    purged = list(source.read())
    assert failures(purged) == [] and len(purged) == 10  # gone: now its items are orphaned


def test_a_page_that_leaves_the_selection_is_gone(fake: FakeConfluence, tmp_path: Path) -> None:
    ids = seed(fake, labels=("postmortem",))
    source = source_for(fake, tmp_path, label="postmortem")
    list(source.read())
    fake.state.pages[ids[TASKS]].labels.clear()
    fake.clear_requests()
    results = list(source.read())
    assert failures(results) == [] and len(results) == 10
    assert len(fake.requests) == 2  # the listing, and one question about the page that left


def test_a_429_is_waited_out_then_reading_goes_on(fake: FakeConfluence, tmp_path: Path) -> None:
    seed(fake)
    clock = VirtualClock(NOW)
    fake.monotonic = clock.monotonic
    fake.faults.nth("GET", "*/content/*" if fake.mode == "datacenter" else "*/pages/*", 3,
                    Fault("429", retry_after=7))  # fmt: skip
    results = list(source_for(fake, tmp_path, clock=clock).read())
    assert failures(results) == [] and len(results) == 11
    assert 7 in clock.slept
    assert fake.requests_before_retry_after() == []


@pytest.mark.parametrize("kind", ["500", "503", "drop_before"])
def test_a_passing_server_error_is_retried(fake: FakeConfluence, tmp_path: Path, kind: str) -> None:
    seed(fake)
    fake.faults.next(1, Fault(kind))  # the listing's first attempt
    results = list(source_for(fake, tmp_path).read())
    assert failures(results) == [] and len(results) == 11


def test_a_page_still_failing_after_retries_is_reported_alone(
    fake: FakeConfluence, tmp_path: Path
) -> None:
    ids = seed(fake)
    fake.faults.on("GET", f"*/{ids[TASKS]}", Fault("502"), times=None)
    results = list(source_for(fake, tmp_path).read())
    (failure,) = failures(results)
    assert "read next cycle" in failure.error and len(results) == 11


def test_refused_credentials_fail_the_source_without_the_secret(
    fake: FakeConfluence, tmp_path: Path
) -> None:
    seed(fake)
    fake.echo_requests = True  # the error answer quotes the request's headers
    real = fake.secret
    source = source_for(fake, tmp_path)
    if fake.mode == "cloud":
        fake.token = "another-token-value"  # the token was revoked
    else:
        fake.pat = "another-token-value"
    with pytest.raises(SourceError, match=r"HTTP 401") as raised:
        list(source.read())
    message = str(raised.value)
    assert "check auth" in message and "items are kept as they were" in message
    basic = base64.b64encode(f"{fake.email}:{real}".encode()).decode()
    assert real not in message and basic not in message


def test_an_unreachable_site_fails_the_source(tmp_path: Path) -> None:
    with FakeConfluence("cloud") as fake:
        seed(fake)
    # The fake has stopped: nothing listens on its port any more.
    with pytest.raises(SourceError, match="Nothing was read"):
        list(source_for(fake, tmp_path).read())


def test_pages_are_read_in_worker_processes(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    seed(fake_confluence)
    results = list(source_for(fake_confluence, tmp_path, in_workers=True).read())
    in_process = list(source_for(fake_confluence, tmp_path / "other").read())
    assert results == in_process and len(documents(results)) == 11


@pytest.mark.parametrize("kind", ["html", "broken_json", "json_without_keys"])
def test_a_garbage_answer_to_one_page_is_reported_without_the_secret(
    fake: FakeConfluence, tmp_path: Path, kind: str
) -> None:
    ids = seed(fake)
    source = source_for(fake, tmp_path)
    fake.faults.on("GET", f"*/{ids[TASKS]}", Fault(kind), times=None)  # a login proxy's page
    results = list(source.read())
    (failure,) = failures(results)
    basic = base64.b64encode(f"{fake.email}:{fake.secret}".encode()).decode()
    assert fake.secret not in failure.error and basic not in failure.error
    assert "read next cycle" in failure.error and len(results) == 11


def test_a_space_made_again_under_its_key_is_looked_up_afresh(
    fake_confluence: FakeConfluence, tmp_path: Path
) -> None:
    seed(fake_confluence)
    source = source_for(fake_confluence, tmp_path)
    list(source.read())
    fake_confluence.state.spaces["PAY"].id = "99999"  # deleted, and created again: a new id
    results = list(source.read())
    assert failures(results) == [] and len(results) == 11


def test_a_cache_that_cannot_be_written_does_not_fail_the_read(
    fake: FakeConfluence, tmp_path: Path
) -> None:
    seed(fake)
    source = source_for(fake, tmp_path)
    source.cache_path.parent.mkdir(parents=True)
    source.cache_path.mkdir()  # a folder where the file goes: writing it fails
    assert len(documents(list(source.read()))) == 11
    fake.clear_requests()
    assert len(documents(list(source.read()))) == 11  # remembered in memory all the same
    assert fake.page_reads() == []
