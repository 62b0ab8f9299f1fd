"""Service account keys for tests, made fresh in each test run (never committed): an RSA key
pair, the JSON key syncd reads, and the fake Drive told the public half."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


@dataclass(frozen=True)
class TestKey:
    email: str
    private_pem: str = field(repr=False)
    public_pem: bytes = field(repr=False)

    def json_key(self, token_uri: str) -> str:
        return json.dumps(
            {
                "type": "service_account",
                "project_id": "acme-postmortems",
                "private_key_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
                "private_key": self.private_pem,
                "client_email": self.email,
                "client_id": "103456789012345678901",
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": token_uri,
            }
        )


DEFAULT_EMAIL = "syncd-reader@acme-postmortems.iam.gserviceaccount.com"


def make_key(email: str = DEFAULT_EMAIL) -> TestKey:
    """The key of ``email``: the same one each time in a process."""
    return _key(email)


@cache  # 2048-bit generation takes ~50 ms: once per process and e-mail is enough
def _key(email: str) -> TestKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return TestKey(email, pem, public)
