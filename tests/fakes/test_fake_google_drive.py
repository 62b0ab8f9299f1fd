"""The fake Drive refuses what Google refuses: assertions signed by another key, requests
without a token it issued, queries it does not understand."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from google.auth import crypt, jwt

from tests.fakes.google_drive.keys import make_key
from tests.fakes.google_drive.server import FakeGoogleDrive


@pytest.fixture
def drive() -> Iterator[FakeGoogleDrive]:
    with FakeGoogleDrive() as fake:
        key = make_key()
        fake.state.add_account(key.email, key.public_pem)
        yield fake


def _assertion(fake: FakeGoogleDrive, signing_email: str, **claims: object) -> str:
    key = make_key(signing_email)
    signer = crypt.RSASigner.from_string(key.private_pem)  # type: ignore[no-untyped-call]
    payload = {
        "iss": make_key().email,
        "aud": fake.token_uri,
        "scope": "https://www.googleapis.com/auth/drive.readonly",
        "iat": 1_800_000_000,
        "exp": 1_800_003_600,
        **claims,
    }
    signed: bytes = jwt.encode(signer, payload)  # type: ignore[no-untyped-call]
    return signed.decode()


def _grant(fake: FakeGoogleDrive, assertion: str) -> httpx.Response:
    return httpx.post(
        fake.token_uri,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
    )


def test_a_signed_assertion_gets_a_token_that_lists(drive: FakeGoogleDrive) -> None:
    answer = _grant(drive, _assertion(drive, make_key().email))
    assert answer.status_code == 200
    token = answer.json()["access_token"]
    listing = httpx.get(
        f"{drive.root_url}/drive/v3/files", headers={"Authorization": f"Bearer {token}"}
    )
    assert listing.status_code == 200 and listing.json()["files"] == []


@pytest.mark.parametrize(
    ("signer", "claims", "error"),
    [
        ("intruder@evil.example", {}, "invalid_grant"),  # signed with another key
        (None, {"aud": "https://elsewhere.example/token"}, "invalid_grant"),
        (None, {"scope": "https://www.googleapis.com/auth/drive"}, "invalid_scope"),
        (None, {"exp": 1_800_086_400}, "invalid_grant"),  # a day long
        (None, {"sub": "ceo@acme.com"}, "unauthorized_client"),  # no delegation
    ],
)
def test_the_token_endpoint_refuses_what_google_refuses(
    drive: FakeGoogleDrive, signer: str | None, claims: dict[str, object], error: str
) -> None:
    answer = _grant(drive, _assertion(drive, signer or make_key().email, **claims))
    assert answer.status_code in (400, 401)
    assert answer.json()["error"] == error


def test_drive_needs_a_token_it_issued_and_a_query_it_reads(drive: FakeGoogleDrive) -> None:
    url = f"{drive.root_url}/drive/v3/files"
    assert httpx.get(url, headers={"Authorization": "Bearer made-up"}).status_code == 401
    token = _grant(drive, _assertion(drive, make_key().email)).json()["access_token"]
    bad = httpx.get(
        url, params={"q": "name contains 'x'"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["errors"][0]["reason"] == "invalid"
