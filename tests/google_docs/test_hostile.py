"""Hostile or careless settings and answers in front of the Google Docs source."""

from __future__ import annotations

import pytest

from connectors.google_docs.worker import extract_export
from syncd.connector.model import ExtractedDocument
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
