"""Hostile or careless settings and answers in front of the Google Docs source."""

from __future__ import annotations

import pytest

from syncd.connector.source import SourceError
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
