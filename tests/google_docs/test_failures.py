"""One document that cannot be read is reported and the rest is read; a folder that cannot be
listed fails the source with a message saying what to do."""

from __future__ import annotations

import pytest

from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceError
from tests.fakes.faults import Fault
from tests.google_docs.support import Folder

CHECKOUT = "2026-11-20 Checkout outage postmortem"


def _split(
    folder: Folder, **overrides: object
) -> tuple[list[ExtractedDocument], list[DocumentFailure]]:
    results = list(folder.source(**overrides).read())
    return (
        [r for r in results if isinstance(r, ExtractedDocument)],
        [r for r in results if isinstance(r, DocumentFailure)],
    )


@pytest.mark.parametrize(
    ("quirk", "said"),
    [
        ("export_forbidden", "may not export it (HTTP 403 cannotExportFile"),
        ("export_too_large", "too large for Drive to export"),
        ("deleted_on_export", "not found when exported (deleted, or no longer shared"),
    ],
)
def test_a_document_drive_will_not_export_is_reported_and_the_rest_read(
    folder: Folder, quirk: str, said: str
) -> None:
    file = folder.documents[CHECKOUT]
    setattr(folder.fake.state.files[file.id], quirk, True)
    documents, [failure] = _split(folder)
    assert len(documents) == 10
    assert failure.document == f"https://docs.google.com/document/d/{file.id}"
    assert failure.error.startswith(f"'{CHECKOUT}': ") and said in failure.error
    assert "kept" in failure.error


def test_a_document_larger_than_max_document_bytes_is_skipped(folder: Folder) -> None:
    file = folder.documents[CHECKOUT]
    folder.fake.state.edit(file.id, file.content + "\n" + "filler text. " * 200)
    documents, [failure] = _split(folder, max_document_bytes=3000)
    assert "more than the source's max_document_bytes (3,000)" in failure.error
    assert len(documents) == 10


def test_embedded_images_do_not_count_against_max_document_bytes(folder: Folder) -> None:
    file = folder.documents[CHECKOUT]
    picture = "iVBORw0KGgo" + "A" * 2_000_000
    text = file.content.replace("## **Impact**", "![][image1]\n\n## **Impact**")
    folder.fake.state.edit(file.id, f"{text}\n[image1]: <data:image/png;base64,{picture}>\n")
    documents, failures = _split(folder)  # the default limit: 1 MiB
    assert (len(documents), failures) == (11, [])


def test_a_429_with_retry_after_is_waited_out_and_the_read_completes(folder: Folder) -> None:
    file = folder.documents[CHECKOUT]
    folder.fake.faults.on("GET", f"/drive/v3/files/{file.id}/export", Fault("429", retry_after=7))
    folder.fake.faults.on("GET", "/drive/v3/files", Fault("503"))
    folder.fake.monotonic = folder.clock.monotonic  # the fake's holds on the client's clock
    documents, failures = _split(folder)
    assert (len(documents), failures) == (11, [])
    assert 7 in folder.clock.slept  # waited on the injected clock: nothing really slept
    assert folder.fake.requests_before_retry_after() == []  # on every export thread


def _add_small_documents(folder: Folder, count: int) -> None:
    for n in range(count):
        folder.fake.state.add_document(f"Review {n}", folder.folder.id, "# Review\n\nNo actions.\n")


def test_a_long_rate_limit_stops_the_exports_of_this_cycle_only(folder: Folder) -> None:
    _add_small_documents(folder, 29)  # 40 in all
    folder.fake.faults.on("GET", "/drive/v3/files/*/export", Fault("429", retry_after=3600))
    documents, failures = _split(folder)
    # Not once per document: only the exports sent before the 429 was read go on (a few, on
    # the other export threads), and they are read.
    exports = len(folder.fake.document_requests("export"))
    assert exports < 20
    assert len(documents) == exports - 1 and len(failures) == 41 - exports
    assert all("read again next cycle" in f.error for f in failures)
    folder.fake.faults.clear()
    folder.clock.advance(3600)
    since = folder.counts()
    documents, failures = _split(folder)
    assert (len(documents), failures) == (40, [])
    assert since()["export"] == 41 - exports  # only what was not read before


def test_a_quota_refusal_without_retry_after_stops_the_exports_of_this_cycle(
    folder: Folder,
) -> None:
    _add_small_documents(folder, 29)  # 40 in all
    folder.fake.refuse_with("/drive/v3/files/*/export", 403, "userRateLimitExceeded")
    documents, failures = _split(folder)
    assert documents == [] and len(failures) == 40
    assert len(folder.fake.document_requests("export")) < 20
    assert all("Drive's rate limit ran out (userRateLimitExceeded)" in f.error for f in failures)


def test_a_folder_not_shared_with_the_account_fails_the_source(folder: Folder) -> None:
    folder.fake.state.shared.clear()
    with pytest.raises(SourceError) as raised:
        list(folder.source().read())
    message = str(raised.value)
    assert (
        f"folder {folder.folder.id} was not found, or {folder.key.email} cannot see it" in message
    )
    assert f"share the folder with {folder.key.email}" in message
    assert "its items are kept as they were" in message


def test_a_listing_refused_with_401_fails_the_source(folder: Folder) -> None:
    folder.fake.credentials_revoked = True
    with pytest.raises(SourceError) as raised:
        list(folder.source().read())
    assert f"{folder.key.email} may not list folder {folder.folder.id} (HTTP 401" in str(
        raised.value
    )
    assert len(folder.fake.document_requests("list")) == 2  # a fresh token was tried once
    assert len(folder.fake.document_requests("token")) == 2


def test_an_incomplete_listing_is_not_believed(folder: Folder) -> None:
    list(folder.source().read())
    folder.fake.incomplete_search = True
    with pytest.raises(SourceError, match=r"folder \S+ cannot be believed \(Drive answered that"):
        list(folder.source().read())


def test_a_folder_id_of_a_document_fails_the_source(folder: Folder) -> None:
    file = folder.documents[CHECKOUT]
    with pytest.raises(SourceError, match="is not a folder"):
        list(folder.source(folder=file.id).read())


def test_an_empty_folder_is_an_empty_read(folder: Folder) -> None:
    empty = folder.fake.state.add_folder("Empty", parent=folder.folder.id)
    assert list(folder.source(folder=empty.id).read()) == []
