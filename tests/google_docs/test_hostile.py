"""Hostile or careless settings and answers in front of the Google Docs source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from connectors.google_docs.drive import DriveClient
from connectors.google_docs.listing import DOCUMENT_MIME, IncompleteListing
from connectors.google_docs.worker import extract_export
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceError
from syncd.resolve.people import PeopleDirectory, Person
from tests.google_docs.support import Folder


def test_a_key_written_where_its_path_belongs_is_never_quoted(folder: Folder) -> None:
    # A careless `credentials_file: "${GOOGLE_KEY_JSON}"`: the key itself where a path belongs.
    written = folder.key_json()
    source = folder.source(service_account_key=None, service_account_key_file=written)
    with pytest.raises(SourceError) as raised:
        list(source.read())
    message = str(raised.value)
    assert "credentials_file" in message
    assert "PRIVATE KEY" not in message and folder.key.email not in message


def test_a_people_chip_owner_resolves_through_the_people_maps_email() -> None:
    # The contract knows a Google user by `email:`; the chip's name alone matched nobody.
    people = PeopleDirectory([Person("rita", email="rita@acme.com")])
    for written in (
        "- [ ] Batch the campaigns [Rita Gomez](mailto:rita@acme.com) Apr 1, 2026",
        "| Batch the campaigns | [Rita Gomez](mailto:rita@acme.com) |",
        "* Batch the campaigns. Owner: [Rita Gomez](mailto:rita@acme.com)",
    ):
        header = "| Action | Owner |\n|---|---|\n" if written.startswith("|") else ""
        text = f"# Pushes delayed\n\n## Action items\n\n{header}{written}\n"
        extracted = extract_export((text, "2026-03-01 Pushes delayed", "drive"))
        assert isinstance(extracted, ExtractedDocument)
        (item,) = extracted.items
        assert people.resolve(item.owner_text).person == "rita", written


class _Tokens:
    def token(self) -> str:
        return "ya29.test-token"

    def forget(self) -> None:
        raise AssertionError("no 401 here")


def _drive(answers: Callable[[httpx.Request], dict[str, Any]]) -> tuple[DriveClient, list[str]]:
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        if len(sent) > 50:  # what the source would do forever
            raise RuntimeError("the listing never ends")
        return httpx.Response(200, json=answers(request))

    client = httpx.Client(transport=httpx.MockTransport(handle))
    return DriveClient(client, _Tokens(), "https://www.googleapis.com"), sent  # type: ignore[arg-type]


def _doc(file_id: str) -> dict[str, str]:
    return {"id": file_id, "name": f"Doc {file_id}", "mimeType": DOCUMENT_MIME, "version": "1"}


def test_a_next_page_token_that_repeats_ends_the_listing_as_incomplete() -> None:
    # A proxy or a broken cache answering the same page again: it once looped for ever.
    drive, sent = _drive(lambda _: {"files": [_doc("doc-1")], "nextPageToken": "again"})
    with pytest.raises(IncompleteListing, match="next-page token"):
        list(drive.documents("folder-1", None, recursive=False))
    assert len(sent) <= 3


def test_a_document_listed_twice_is_read_once() -> None:
    # Pages that overlap (a document edited while the folder was paged), or a document in
    # two folders of a recursive source: one document, yielded once.
    def answers(request: httpx.Request) -> dict[str, Any]:
        if request.url.params.get("pageToken") is None:
            return {"files": [_doc("doc-1"), _doc("doc-2")], "nextPageToken": "p2"}
        return {"files": [_doc("doc-2"), _doc("doc-3")]}

    drive, _ = _drive(answers)
    listed = [f.id for f in drive.documents("folder-1", None, recursive=False)]
    assert listed == ["doc-1", "doc-2", "doc-3"]


def test_a_document_over_the_size_limit_is_not_exported_again_until_it_changes(
    folder: Folder,
) -> None:
    # Confluence remembers a page too large by its version; Drive's export of such a document
    # is megabytes, downloaded again every cycle for the same refusal.
    file = folder.documents["2026-11-20 Checkout outage postmortem"]
    folder.fake.state.edit(file.id, file.content + "\n" + "filler text. " * 200)
    first = [r for r in folder.source(max_document_bytes=3000).read() if _failed(r)]
    since = folder.counts()
    again = [r for r in folder.source(max_document_bytes=3000).read() if _failed(r)]
    assert since() == {"list": 1}
    assert again == first  # still reported, its items still kept


def _failed(result: ExtractedDocument | DocumentFailure) -> bool:
    return isinstance(result, DocumentFailure)
