"""A service account's JSON key: read, checked, and never shown.

Pure: text in, a :class:`ServiceAccountKey` out. Every error says what is wrong with the key
in words (not JSON, a field missing, not a service account's key) and never quotes it: a
malformed key may still hold most of a private key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

REQUIRED = ("client_email", "private_key", "token_uri")


class KeyProblem(ValueError):
    """The key cannot be used; the message names the problem, never the key's content."""


@dataclass(frozen=True, slots=True)
class ServiceAccountKey:
    client_email: str
    token_uri: str
    private_key_id: str | None
    # Out of repr and comparison: a key printed by a debugger or a log line shows no secret.
    private_key: str = field(repr=False, compare=False)

    def secrets(self) -> tuple[str, ...]:
        """What must be masked wherever syncd writes: the private key, as written and (by the
        redactor) in its JSON-escaped form. It never goes on the wire, and no error of ours
        quotes it, so its lines are not registered one by one: every registered value makes
        all of syncd's output slower to mask."""
        return (self.private_key,)


LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def encrypted_or_local(url: str) -> bool:
    """An https URL, or http to this machine only (a test server): credentials never travel
    in clear text over a network."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if not parts.netloc or host is None or parts.username or parts.password:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK)


def parse_key(text: str, where: str) -> ServiceAccountKey:
    """The key in ``text``; ``where`` names it in errors ("service_account_key")."""
    try:
        data = json.loads(text)
    except ValueError:
        raise KeyProblem(
            f"{where}: is not a JSON key (expected the JSON file a service account key "
            "downloads as, with client_email and private_key)"
        ) from None
    if not isinstance(data, dict):
        raise KeyProblem(f"{where}: is not a JSON object")
    kind = data.get("type")
    if kind is not None and kind != "service_account":
        shown = kind if isinstance(kind, str) and len(kind) < 40 else "something else"
        raise KeyProblem(
            f"{where}: is a key of type {shown!r}, not a service account's "
            '(type "service_account"); create a key for a service account'
        )
    missing = [name for name in REQUIRED if not isinstance(data.get(name), str) or not data[name]]
    if missing:
        raise KeyProblem(f"{where}: has no {', '.join(missing)}")
    private_key: str = data["private_key"]
    if "-----BEGIN" not in private_key or "PRIVATE KEY-----" not in private_key:
        raise KeyProblem(f"{where}: private_key is not a PEM private key")
    token_uri: str = data["token_uri"]
    if not encrypted_or_local(token_uri):
        raise KeyProblem(
            f"{where}: token_uri must be an https:// URL (the signed assertion and the token "
            "travel to it)"
        )
    key_id = data.get("private_key_id")
    return ServiceAccountKey(
        client_email=data["client_email"],
        token_uri=token_uri,
        private_key_id=key_id if isinstance(key_id, str) and key_id else None,
        private_key=private_key,
    )
