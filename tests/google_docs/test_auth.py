"""The service account: its key from the environment or a file, acting as a user, and its
secrets never shown."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from connectors.google_docs import GoogleDocsSettings
from syncd.connector.source import SourceError
from syncd.connector.testing import assert_secrets_masked
from tests.google_docs.support import Folder


def test_the_key_from_a_file_beside_the_team_file(folder: Folder) -> None:
    (folder.tmp_path / "keys").mkdir()
    (folder.tmp_path / "keys" / "reader.json").write_text(folder.key_json(), encoding="utf-8")
    source = folder.source(service_account_key=None, service_account_key_file="keys/reader.json")
    assert len(list(source.read())) == 11
    [claims] = folder.fake.state.assertions
    assert claims["iss"] == folder.key.email and "sub" not in claims


def test_a_missing_key_file_fails_the_source_naming_the_setting(folder: Folder) -> None:
    source = folder.source(service_account_key=None, service_account_key_file="nowhere.json")
    with pytest.raises(SourceError, match=r"credentials_file 'nowhere\.json': no such file"):
        list(source.read())


def test_impersonation_puts_the_user_in_the_assertion(folder: Folder) -> None:
    folder.fake.state.share(folder.folder.id, "postmortem-bot@acme.com")
    folder.fake.state.shared.pop(folder.key.email)  # only the user can see the folder
    source = folder.source(subject="postmortem-bot@acme.com")
    assert len(list(source.read())) == 11
    [claims] = folder.fake.state.assertions
    assert claims["sub"] == "postmortem-bot@acme.com"
    assert claims["scope"] == "https://www.googleapis.com/auth/drive.readonly"


def test_impersonation_without_delegation_says_what_to_grant(folder: Folder) -> None:
    folder.fake.state.accounts[folder.key.email].delegated = False
    with pytest.raises(SourceError) as raised:
        list(folder.source(subject="someone@acme.com").read())
    assert "may not act as someone@acme.com: grant it domain-wide delegation" in str(raised.value)


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("not json at all", "is not a JSON key"),
        ('{"type": "authorized_user", "client_id": "x"}', "not a service account's"),
        ('{"type": "service_account", "client_email": "a@b.c"}', "has no private_key, token_uri"),
        (
            '{"client_email": "a@b.c", "private_key": "-----BEGIN PRIVATE KEY-----\\n", '
            '"token_uri": "http://oauth2.example.com/token"}',
            "token_uri must be an https:// URL",
        ),
    ],
)
def test_a_malformed_key_is_a_configuration_error_that_never_shows_it(
    folder: Folder, key: str, said: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        GoogleDocsSettings.model_validate({"folder": folder.folder.id, "service_account_key": key})
    # What syncd prints of a configuration error is each error's message (file, line, key).
    [message] = [error["msg"] for error in raised.value.errors()]
    assert said in message and key not in message


def test_a_key_whose_private_key_is_damaged_fails_without_showing_it(folder: Folder) -> None:
    damaged = folder.key_json().replace("MII", "XXX", 1)
    with pytest.raises(SourceError) as raised:
        list(folder.source(service_account_key=damaged).read())
    assert "private_key is not a readable RSA private key" in str(raised.value)
    body = folder.key.private_pem.splitlines()[5]
    assert body not in str(raised.value)


def test_settings_key_and_tokens_never_show_in_reprs_errors_or_logs(
    folder: Folder, caplog: pytest.LogCaptureFixture
) -> None:
    from syncd.connector.logs import redactor

    settings = folder.settings()
    assert_secrets_masked(settings)
    caplog.set_level(logging.DEBUG)
    folder.fake.echo_requests = True  # errors quote the request, Authorization included
    folder.fake.state.shared.clear()
    with pytest.raises(SourceError) as raised:
        list(folder.source().read())
    token = next(iter(folder.fake.state.tokens))
    shown = redactor.redact_text(f"{raised.value}\n{caplog.text}\n{settings!r}")
    for line in folder.key.private_pem.splitlines()[1:-1]:
        assert line not in shown
    assert token not in shown
    assert token not in redactor.redact_text(f"Authorization: Bearer {token}")
