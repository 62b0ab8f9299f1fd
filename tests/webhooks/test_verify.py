"""Signatures: good, wrong, missing, wrong prefix, body changed, no secret configured."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from syncd.webhooks.verify import signature_matches, signature_of, token_matches

SECRET = "It's a Secret to Everybody"
BODY = b"Hello, World!"


def test_githubs_published_example_signature_matches() -> None:
    # GitHub's documentation gives this secret, payload and signature to test an implementation.
    expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert signature_of(SECRET, BODY) == expected
    assert signature_matches(SECRET, BODY, expected)


@pytest.mark.parametrize(
    "header",
    [
        None,  # missing
        "",
        "sha256=",
        "sha256=" + "0" * 64,  # wrong
        hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest(),  # no prefix
        "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),  # wrong prefix
        "SHA256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest(),
        signature_of("another secret", BODY),
        signature_of(SECRET, BODY)[:-1],  # truncated
        signature_of(SECRET, BODY) + "0",
    ],
)
def test_anything_but_the_bodys_signature_is_refused(header: str | None) -> None:
    assert not signature_matches(SECRET, BODY, header)


def test_a_changed_body_no_longer_matches_its_signature() -> None:
    signature = signature_of(SECRET, BODY)
    assert signature_matches(SECRET, BODY, signature)
    assert not signature_matches(SECRET, BODY + b" ", signature)
    assert not signature_matches(SECRET, b'{"team": "payments"}', signature)


def test_without_a_secret_nothing_matches_not_even_an_empty_secrets_signature() -> None:
    assert not signature_matches("", BODY, signature_of("", BODY))


def test_path_tokens_match_exactly_and_an_empty_one_never() -> None:
    assert token_matches("s3cr3t-token", "s3cr3t-token")
    assert not token_matches("s3cr3t-token", "s3cr3t-toke")
    assert not token_matches("s3cr3t-token", "S3CR3T-TOKEN")
    assert not token_matches("", "")
