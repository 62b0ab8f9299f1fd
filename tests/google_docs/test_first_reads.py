"""A folder read through the fake Drive: every document, its identity, its place."""

from __future__ import annotations

from pathlib import Path

from syncd.connector.model import DocumentFailure, ExtractedDocument
from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.google_docs.support import Folder, fixture_texts


def _documents(folder: Folder, **overrides: object) -> list[ExtractedDocument]:
    results = list(folder.source(**overrides).read())
    assert not [r for r in results if isinstance(r, DocumentFailure)]
    return [r for r in results if isinstance(r, ExtractedDocument)]


def test_every_document_of_the_folder_is_read_under_its_drive_id(folder: Folder) -> None:
    documents = _documents(folder)
    by_title = {d.postmortem.title: d for d in documents}
    assert set(by_title) == set(fixture_texts())
    checkout = by_title["2026-11-20 Checkout outage postmortem"]
    file = folder.documents["2026-11-20 Checkout outage postmortem"]
    assert checkout.postmortem.document == f"https://docs.google.com/document/d/{file.id}"
    assert (
        checkout.postmortem.url == f"https://docs.google.com/document/d/{file.id}/edit?usp=drivesdk"
    )
    assert checkout.postmortem.source == "drive"
    assert len(checkout.items) == 4


def test_a_document_with_no_date_takes_the_day_it_was_created(folder: Folder) -> None:
    [narrative] = [d for d in _documents(folder) if d.postmortem.title.startswith("Cache stampede")]
    created = folder.documents["Cache stampede on product pages - narrative"].created
    assert (narrative.postmortem.date, narrative.postmortem.date_origin) == (
        created.date(),
        "created",
    )
    assert narrative.items == ()


def test_only_documents_are_listed_and_subfolders_only_when_recursive(folder: Folder) -> None:
    sub = folder.fake.state.add_folder("2025", parent=folder.folder.id)
    folder.fake.state.add_document(
        "Old outage", sub.id, "# Old\n\n## Action items\n\n- [ ] Fix it\n"
    )
    flat = {d.postmortem.title for d in _documents(folder)}
    deep = {d.postmortem.title for d in _documents(folder, recursive=True)}
    assert "Old outage" not in flat
    assert deep == flat | {"Old outage"}


def test_a_folder_of_several_pages_is_read_whole(folder: Folder) -> None:
    folder.fake.page_size_cap = 4
    since = folder.counts()
    documents = _documents(folder)
    assert len(documents) == 11
    assert since()["list"] == 3  # 4 + 4 + 3
    pages = [r for r in folder.fake.requests if r.path.endswith("/files")]
    assert "pageToken" not in pages[0].query and "pageToken" in pages[1].query


def test_a_shared_drive_folder_is_listed_with_its_drive(
    fake_drive: FakeGoogleDrive, tmp_path: Path
) -> None:
    shared = Folder(fake_drive, tmp_path, drive_id="0AbCdEfGhIjKlMnOpQr")
    documents = _documents(shared)
    assert len(documents) == 11
    listing = next(r for r in fake_drive.requests if r.path.endswith("/files"))
    assert listing.query["corpora"] == ["drive"]
    assert listing.query["driveId"] == ["0AbCdEfGhIjKlMnOpQr"]
    assert (
        listing.query["supportsAllDrives"] == listing.query["includeItemsFromAllDrives"] == ["true"]
    )


def test_documents_are_read_in_worker_processes_by_default(folder: Folder) -> None:
    documents = _documents(folder, workers=True)
    assert len(documents) == 11
    assert sum(len(d.items) for d in documents) == sum(len(d.items) for d in _documents(folder))


def test_the_service_can_start_the_reading_processes_ahead(folder: Folder) -> None:
    from connectors.google_docs import GoogleDocsSource
    from connectors.google_docs.extraction import WORKER_TARGET
    from syncd.connector.workers import shared_pool

    GoogleDocsSource.prepare()
    assert len(_documents(folder, workers=True)) == 11
    assert not shared_pool(WORKER_TARGET).stopped
