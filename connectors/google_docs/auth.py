"""Access tokens for a service account: the OAuth 2.0 JWT bearer flow (RFC 7523), through the
HTTP policy, cached until shortly before they expire.

The assertion is signed (RS256) with the key's private key by ``google-auth``'s signer; the
token request goes through the connector's policy client like every other request. A token is
kept per key, user and scope for the life of the process, so a service's cycles after the first
ask for none until it is about to expire.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
from google.auth import crypt, jwt

from connectors.google_docs.key import KeyProblem, ServiceAccountKey
from syncd.connector.http import parse_json
from syncd.connector.logs import redactor

SCOPE = "https://www.googleapis.com/auth/drive.readonly"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_SECONDS = 3600  # the longest Google accepts
RENEW_BEFORE_SECONDS = 300  # a token this close to its end is replaced, not used


class TokenRefused(Exception):
    """The token endpoint refused the service account (its message says what to check)."""


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires_at: float  # wall clock, seconds


_tokens: dict[tuple[str, ...], _Token] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    """Drop every cached token (tests; a key rotated under a running service renews anyway)."""
    with _tokens_lock:
        _tokens.clear()


def signer_for(key: ServiceAccountKey, where: str) -> crypt.RSASigner:
    try:
        return _signer(key.private_key, key.private_key_id)
    except (ValueError, TypeError, IndexError):
        # The library's message may quote part of the key: it is replaced, never shown.
        raise KeyProblem(f"{where}: private_key is not a readable RSA private key") from None


@lru_cache(maxsize=16)  # loading checks the RSA key, ~0.1 s: once per key and process
def _signer(private_key: str, key_id: str | None) -> crypt.RSASigner:
    signer: crypt.RSASigner = crypt.RSASigner.from_string(  # type: ignore[no-untyped-call]
        private_key, key_id
    )
    return signer


class TokenSource:
    """Bearer tokens for one key, acting as ``subject`` when given."""

    def __init__(
        self,
        key: ServiceAccountKey,
        signer: crypt.RSASigner,
        *,
        subject: str | None,
        client: httpx.Client,
        wall: Callable[[], float],
    ) -> None:
        self._key = key
        self._signer = signer
        self._subject = subject
        self._client = client
        self._wall = wall
        fingerprint = hashlib.sha256(key.private_key.encode()).hexdigest()
        self._cache_key = (key.token_uri, key.client_email, subject or "", SCOPE, fingerprint)
        redactor.register(key.secrets())

    def token(self) -> str:
        now = self._wall()
        with _tokens_lock:
            cached = _tokens.get(self._cache_key)
        if cached is not None and cached.expires_at - RENEW_BEFORE_SECONDS > now:
            return cached.value
        fresh = self._request(now)
        with _tokens_lock:
            _tokens[self._cache_key] = fresh
        return fresh.value

    def forget(self) -> None:
        """The API refused the token (401): the next call asks for a new one."""
        with _tokens_lock:
            _tokens.pop(self._cache_key, None)

    def assertion(self, now: float) -> str:
        claims: dict[str, Any] = {
            "iss": self._key.client_email,
            "scope": SCOPE,
            "aud": self._key.token_uri,
            "iat": int(now),
            "exp": int(now) + ASSERTION_SECONDS,
        }
        if self._subject:
            claims["sub"] = self._subject
        signed: bytes = jwt.encode(self._signer, claims)  # type: ignore[no-untyped-call]
        return signed.decode("ascii")

    def _request(self, now: float) -> _Token:
        assertion = self.assertion(now)
        redactor.register([assertion])  # a bearer credential while it is valid
        response = self._client.post(
            self._key.token_uri, data={"grant_type": GRANT_TYPE, "assertion": assertion}
        )
        if response.status_code in (400, 401, 403):
            raise TokenRefused(self._refusal(response))
        if response.status_code >= 400:
            raise TokenRefused(
                f"the token endpoint answered HTTP {response.status_code}; try again later"
            )
        data = parse_json(
            tracker="Google's token endpoint",
            service="google_oauth",
            method="POST",
            url=self._key.token_uri,
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=_token_shape,
        )
        value: str = data["access_token"]
        redactor.register([value])
        return _Token(value, now + float(data["expires_in"]))

    def _refusal(self, response: httpx.Response) -> str:
        error, description = _oauth_error(response)
        who = self._key.client_email
        if error == "unauthorized_client" and self._subject:
            return (
                f"the service account {who} may not act as {self._subject}: grant it "
                "domain-wide delegation for the scope "
                f"{SCOPE} in the Google Workspace admin console, or remove `subject`"
            )
        if error == "invalid_grant":
            return (
                f"Google refused the service account {who}'s key ({description or error}): the "
                "key may have been deleted or disabled, the account removed, or this machine's "
                "clock is off"
            )
        shown = f"{error}: {description}" if description else error or "no reason given"
        return (
            f"Google refused a token to the service account {who} (HTTP "
            f"{response.status_code}, {shown}); check the key"
        )


def _token_shape(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "not an object"
    if not isinstance(data.get("access_token"), str) or not data["access_token"]:
        return "no access_token"
    if not isinstance(data.get("expires_in"), int | float):
        return "no expires_in"
    return None


def _oauth_error(response: httpx.Response) -> tuple[str, str]:
    try:
        data = response.json()
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    error = data.get("error")
    description = data.get("error_description")
    # Short words only: an error page must not carry anything long into a message.
    return (
        error[:80] if isinstance(error, str) else "",
        description[:200] if isinstance(description, str) else "",
    )


__all__ = ["SCOPE", "TokenRefused", "TokenSource", "forget_tokens", "signer_for"]
