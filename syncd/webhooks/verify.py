"""Signature and token checks of webhook deliveries. Pure: bytes in, a verdict out.

Every comparison is ``hmac.compare_digest``, so a caller cannot learn a secret from timings.
"""

from __future__ import annotations

import hashlib
import hmac

SHA256_PREFIX = "sha256="


def signature_of(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of body>``: what GitHub, Jira and syncd's generic endpoint send."""
    return SHA256_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is ``sha256=`` and the body's HMAC under ``secret``; a missing or
    empty secret never matches (an endpoint without a secret accepts nothing)."""
    if not secret or header is None:
        return False
    given = header.strip()
    if not given.startswith(SHA256_PREFIX):
        return False
    return hmac.compare_digest(given.encode(), signature_of(secret, body).encode())


def token_matches(expected: str, given: str) -> bool:
    """A secret path token; an empty expected token never matches."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
