"""Unchanged documents are not exported again; every document is still yielded each cycle."""

from __future__ import annotations

from datetime import date

from syncd.connector.model import DocumentFailure, ExtractedDocument
from tests.google_docs.support import Folder

CHECKOUT = "2026-11-20 Checkout outage postmortem"


def _by_document(results: list[ExtractedDocument | DocumentFailure]) -> dict[str, object]:
    return {
        r.postmortem.document if isinstance(r, ExtractedDocument) else r.document: r
        for r in results
    }


def test_a_no_change_cycle_costs_one_listing_and_yields_every_document(folder: Folder) -> None:
    since = folder.counts()
    first = _by_document(list(folder.source().read()))
    assert since() == {"token": 1, "list": 1, "export": 11}

    since = folder.counts()
    second = _by_document(list(folder.source().read()))  # a new source, as each cycle makes
    assert since() == {"list": 1}  # the token is kept by the process, the exports cached
    assert second == first


def test_a_fresh_process_asks_for_a_token_and_reads_the_cache_from_disk(folder: Folder) -> None:
    from connectors.google_docs.auth import forget_tokens

    list(folder.source().read())
    forget_tokens()  # what a new `syncd sync` process starts with
    since = folder.counts()
    list(folder.source().read())
    assert since() == {"token": 1, "list": 1}


def test_only_the_edited_document_is_exported_again_and_keeps_its_identity(folder: Folder) -> None:
    first = _by_document(list(folder.source().read()))
    file = folder.documents[CHECKOUT]
    text = file.content.replace(
        "Alert on certificates expiring within 21 days",
        "Alert on certificates expiring within 30 days",
    )
    folder.fake.state.edit(file.id, text, name="Checkout outage (Nov 20)")

    since = folder.counts()
    second = _by_document(list(folder.source().read()))
    assert since() == {"list": 1, "export": 1}
    assert second.keys() == first.keys()  # renamed: the same document
    url = f"https://docs.google.com/document/d/{file.id}"
    assert [d for d in second if second[d] != first[d]] == [url]
    edited = second[url]
    assert isinstance(edited, ExtractedDocument)
    assert edited.postmortem.title == "Checkout outage (Nov 20)"
    assert edited.postmortem.date == date(2026, 11, 20)  # now from its "Date:" line
    assert "Alert on certificates expiring within 30 days" in [i.title for i in edited.items]


def test_a_deleted_document_is_missing_from_the_next_read(folder: Folder) -> None:
    list(folder.source().read())
    file = folder.documents[CHECKOUT]
    folder.fake.state.files[file.id].trashed = True
    second = _by_document(list(folder.source().read()))
    assert len(second) == 10
    assert f"https://docs.google.com/document/d/{file.id}" not in second


def test_a_damaged_cache_means_a_full_read(folder: Folder) -> None:
    first = _by_document(list(folder.source().read()))
    [cache] = (folder.tmp_path / "cache").glob("*.json")
    cache.write_text('{"format": 1, "documents": {"x": ', encoding="utf-8")
    since = folder.counts()
    second = _by_document(list(folder.source().read()))
    assert since() == {"list": 1, "export": 11}
    assert second == first


def test_a_cache_that_cannot_be_written_costs_exports_not_the_read(folder: Folder) -> None:
    folder.context.cache_dir.parent.mkdir(parents=True, exist_ok=True)
    folder.context.cache_dir.write_text("a file where the cache folder should be")
    first = _by_document(list(folder.source().read()))
    since = folder.counts()
    second = _by_document(list(folder.source().read()))
    assert second == first and len(second) == 11
    assert since() == {"list": 1, "export": 11}
