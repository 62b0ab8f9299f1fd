"""The fake's OAuth token endpoint: a JWT bearer grant (RFC 7523) checked as Google checks it.

The assertion must be RS256-signed by the key of a service account the state knows (its public
key), for this endpoint as audience and the Drive read-only scope, short-lived; a ``sub`` (a
user to act as) needs domain-wide delegation. Every checked assertion's claims are kept in
``state.assertions`` for tests.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.fakes.google_drive.state import DriveState, Issued
from tests.fakes.routing import Reply

SCOPE = "https://www.googleapis.com/auth/drive.readonly"


def b64url(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def grant(state: DriveState, token_uri: str, form: dict[str, list[str]]) -> Reply:
    """The token endpoint's answer to a JWT bearer grant, checked as Google checks it."""

    def refuse(status: int, error: str, description: str) -> Reply:
        return Reply(status, {"error": error, "error_description": description})

    if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
        return refuse(400, "unsupported_grant_type", "Invalid grant_type.")
    try:
        [assertion] = form["assertion"]
        head, payload, signature = assertion.split(".")
        header = json.loads(b64url(head))
        claims = json.loads(b64url(payload))
    except (KeyError, ValueError):
        return refuse(400, "invalid_request", "Invalid assertion format.")
    account = state.accounts.get(claims.get("iss", ""))
    if header.get("alg") != "RS256" or account is None:
        return refuse(400, "invalid_grant", "Invalid JWT Signature.")
    key = serialization.load_pem_public_key(account.public_pem)
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(
            b64url(signature),
            f"{head}.{payload}".encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return refuse(400, "invalid_grant", "Invalid JWT Signature.")
    state.assertions.append(claims)
    if claims.get("aud") != token_uri:
        return refuse(400, "invalid_grant", "Invalid JWT: audience.")
    if SCOPE not in str(claims.get("scope", "")).split():
        return refuse(400, "invalid_scope", "Invalid OAuth scope or ID token audience.")
    lifetime = int(claims.get("exp", 0)) - int(claims.get("iat", 0))
    if not 0 < lifetime <= 3600:
        return refuse(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token.")
    subject = claims.get("sub")
    if subject and not account.delegated:
        return refuse(
            401,
            "unauthorized_client",
            "Client is unauthorized to retrieve access tokens using this method, or client "
            "not authorized for any of the scopes requested.",
        )
    with state.lock:
        token = f"ya29.fake-{len(state.tokens) + 1:04d}-{account.email.split('@')[0]}"
        expires = state.clock() + timedelta(seconds=3599)
        state.tokens[token] = Issued(subject or account.email, expires)
    return Reply(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
