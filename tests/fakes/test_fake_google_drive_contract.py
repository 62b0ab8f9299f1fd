"""Every request the Google Docs source sends and every answer the fake Drive gives are what
the Drive v3 discovery document describes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.faults import Fault
from tests.fakes.google_drive import contract
from tests.fakes.google_drive.server import TOKEN_PATH, FakeGoogleDrive, RecordedRequest
from tests.google_docs.support import Folder


def _check(requests: list[RecordedRequest]) -> list[str]:
    problems: list[str] = []
    for request in requests:
        if request.path == TOKEN_PATH or request.status is None:
            continue  # OAuth is not the Drive API; a dropped connection has no answer
        problems += contract.validate_request(request.method, request.path, request.query)
        problems += contract.validate_response(
            request.method, request.path, request.status, request.answer
        )
    return problems


@pytest.mark.parametrize("shared_drive", [None, "0AbCdEfGhIjKlMnOpQr"])
def test_a_read_sends_and_gets_only_what_the_discovery_document_describes(
    tmp_path: Path, shared_drive: str | None
) -> None:
    with FakeGoogleDrive() as fake:
        folder = Folder(fake, tmp_path, drive_id=shared_drive)
        fake.page_size_cap = 5
        sub = fake.state.add_folder("older", parent=folder.folder.id)
        fake.state.add_document("Old", sub.id, "# Old\n")
        folder.documents["Login page outage"].export_forbidden = True
        fake.faults.nth("GET", "/drive/v3/files/*/export", 2, Fault("429", retry_after=1))
        list(folder.source(recursive=True).read())
        kinds = {r.endpoint for r in fake.requests}
        assert {"GET /drive/v3/files", "GET /drive/v3/files/{fileId}/export"} <= kinds
        assert _check(fake.requests) == []


def test_files_get_and_an_empty_folder_check_match_the_document(tmp_path: Path) -> None:
    with FakeGoogleDrive() as fake:
        folder = Folder(fake, tmp_path)
        empty = fake.state.add_folder("Empty", parent=folder.folder.id)
        assert list(folder.source(folder=empty.id).read()) == []
        gets = fake.document_requests("get")
        assert len(gets) == 1 and gets[0].status == 200
        assert _check(fake.requests) == []


def test_the_contract_catches_a_wrong_parameter_and_a_field_drive_never_sends() -> None:
    assert contract.validate_request("GET", "/drive/v3/files", {"pageSize": ["many"]})
    assert contract.validate_request("GET", "/drive/v3/files/x/export", {})  # mimeType missing
    assert contract.validate_request("GET", "/drive/v3/files", {"includeTrashed": ["true"]})
    assert contract.validate_schema("File", {"id": "x", "owner": "alice"})
    assert contract.validate_schema("File", {"id": "x", "version": 3})  # int64 is a string
    assert contract.validate_response("GET", "/drive/v3/files/x/export", 200, {"a": 1})
