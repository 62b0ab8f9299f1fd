"""Who may see the status page: pure rules over the settings and one request's headers.

The page shows item titles and people's names, so it is served only when something keeps
strangers out, or when the service listens on loopback alone (only this host can ask):

- ``SYNCD_STATUS_TOKEN``: ``Authorization: Bearer <token>``, or a session cookie from
  ``/status/login`` (signed with a key derived from the token: a new token ends every session);
- ``SYNCD_STATUS_USER`` and ``SYNCD_STATUS_PASSWORD``: HTTP basic auth;
- ``status_trusted_header`` (a service setting): a reverse proxy that authenticated the person
  sets this header; honoured only when configured, and only safe when nothing but the proxy can
  reach the port (anyone else could send the header too).

Any of them configured makes it required, on loopback too. Secrets are compared in constant
time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from http.cookies import CookieError, SimpleCookie

TOKEN_ENV = "SYNCD_STATUS_TOKEN"
USER_ENV = "SYNCD_STATUS_USER"
PASSWORD_ENV = "SYNCD_STATUS_PASSWORD"
COOKIE = "syncd_status"
SESSION_LIFETIME = timedelta(hours=12)
REALM = "syncd status"


class Verdict(Enum):
    OFF = "off"  # not served at all: nothing configured on an address others can reach
    ALLOWED = "allowed"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class StatusAccess:
    token: str | None = None
    user: str | None = None
    password: str | None = None
    trusted_header: str | None = None
    loopback: bool = False

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], *, host: str, trusted_header: str | None
    ) -> StatusAccess:
        return cls(
            token=env.get(TOKEN_ENV) or None,
            user=env.get(USER_ENV) or None,
            password=env.get(PASSWORD_ENV) or None,
            trusted_header=trusted_header or None,
            loopback=is_loopback(host),
        )

    @property
    def basic(self) -> bool:
        return self.user is not None and self.password is not None

    @property
    def configured(self) -> bool:
        return self.token is not None or self.basic or self.trusted_header is not None

    def verdict(self, headers: Mapping[str, str], now: datetime) -> Verdict:
        """``headers``: the request's, names in lower case."""
        if not self.configured:
            return Verdict.ALLOWED if self.loopback else Verdict.OFF
        if self.trusted_header is not None and headers.get(self.trusted_header.lower(), "").strip():
            return Verdict.ALLOWED
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self.token is not None:
            return _verdict(_same(credentials.strip(), self.token))
        if scheme.lower() == "basic" and self.basic:
            return _verdict(self._basic_matches(credentials.strip()))
        if self.token is not None and self.session_valid(headers.get("cookie", ""), now):
            return Verdict.ALLOWED
        return Verdict.DENIED

    def token_matches(self, offered: str) -> bool:
        return self.token is not None and _same(offered, self.token)

    def session_cookie(self, now: datetime, *, secure: bool) -> str:
        """A ``Set-Cookie`` value for a session until ``now`` + ``SESSION_LIFETIME``."""
        expires = int((now + SESSION_LIFETIME).timestamp())
        value = f"{expires}.{self._sign(str(expires))}"
        flags = "; Secure" if secure else ""
        max_age = int(SESSION_LIFETIME.total_seconds())
        return (
            f"{COOKIE}={value}; Path=/status; Max-Age={max_age}; HttpOnly; SameSite=Strict{flags}"
        )

    def session_valid(self, cookie_header: str, now: datetime) -> bool:
        if self.token is None or not cookie_header:
            return False
        try:
            morsel = SimpleCookie(cookie_header).get(COOKIE)
        except CookieError:
            return False
        if morsel is None:
            return False
        expires, _, signature = morsel.value.partition(".")
        if not expires.isdigit() or not _same(signature, self._sign(expires)):
            return False
        return now.timestamp() < int(expires)

    def _sign(self, value: str) -> str:
        assert self.token is not None
        key = hashlib.sha256(b"syncd status session\0" + self.token.encode()).digest()
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

    def _basic_matches(self, credentials: str) -> bool:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, colon, password = decoded.partition(":")
        # Both compared, always: which of the two was wrong must not show in the time taken.
        same_user = _same(user, self.user or "")
        same_password = _same(password, self.password or "")
        return bool(colon) and same_user and same_password


def is_loopback(host: str) -> bool:
    """Whether a listening address reaches only this host ("" is every interface)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _same(offered: str, expected: str) -> bool:
    return hmac.compare_digest(offered.encode(), expected.encode())


def _verdict(allowed: bool) -> Verdict:
    return Verdict.ALLOWED if allowed else Verdict.DENIED
