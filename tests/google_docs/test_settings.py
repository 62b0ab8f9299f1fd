"""The source's block of a team file: what is accepted, and errors that say what to fix."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from connectors.google_docs import GoogleDocsSettings

FOLDER = "1AbCdEfGhIjKlMnOpQrStUvWxYz012345"


def _errors(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        GoogleDocsSettings.model_validate(raw)
    return [error["msg"] for error in raised.value.errors()]


def test_a_folder_address_pasted_whole_is_read_as_its_id() -> None:
    settings = GoogleDocsSettings.model_validate(
        {
            "folder": f"https://drive.google.com/drive/folders/{FOLDER}?usp=sharing",
            "service_account_key_file": "key.json",
        }
    )
    assert settings.folder_id == FOLDER


def test_the_contracts_names_are_accepted_too() -> None:
    settings = GoogleDocsSettings.model_validate(
        {"folder_id": FOLDER, "credentials_file": "key.json", "subject": "bot@acme.com"}
    )
    assert (settings.folder_id, settings.credentials_file) == (FOLDER, "key.json")


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ({"folder": FOLDER}, "give exactly one of `service_account_key`"),
        (
            {"folder": FOLDER, "service_account_key_file": "a", "service_account_key": "{}"},
            "has no client_email",
        ),
        ({"folder": "it's mine", "service_account_key_file": "a"}, "must be a Drive folder id"),
        ({"folder": FOLDER, "drive": "x", "service_account_key_file": "a"}, "shared drive id"),
        ({"folder": FOLDER, "subject": "bob", "service_account_key_file": "a"}, "e-mail"),
        ({"folder": FOLDER, "api_url": "ftp://x", "service_account_key_file": "a"}, "https://"),
        (
            {"folder": FOLDER, "api_url": "http://proxy.acme.com", "service_account_key_file": "a"},
            "must be an https:// URL",
        ),
        (
            {"folder": FOLDER, "max_document_bytes": 11 << 20, "service_account_key_file": "a"},
            "less than or equal to 10485760",
        ),
    ],
)
def test_bad_settings_are_refused_in_words(raw: dict[str, Any], said: str) -> None:
    assert any(said in message for message in _errors(raw)), _errors(raw)
