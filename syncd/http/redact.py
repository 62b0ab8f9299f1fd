"""Masks secrets in URLs and headers, so that no log line, error or metric ever carries one."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

MASK = "***"
ELIDED = "…"

# Query parameters whose value is, or may be, a credential. Over-masking costs nothing in a log.
_SECRET_PARAM = re.compile(
    r"(token|secret|passw|signature|credential|auth|session|api[-_]?key|^key$|_key$|^sig$|^code$)",
    re.IGNORECASE,
)
_SECRET_HEADER = re.compile(
    r"(authorization|cookie|token|secret|passw|signature|credential|api-?key|session)",
    re.IGNORECASE,
)

# Hosts whose URL path *is* the credential (incoming webhooks): only scheme://host/… is shown.
_WEBHOOK_HOSTS = (
    re.compile(r"^hooks\.slack\.com$"),
    re.compile(r"(^|\.)webhook\.office\.com$"),
    re.compile(r"(^|\.)logic\.azure\.com$"),
    re.compile(r"(^|\.)api\.powerplatform\.com$"),
    re.compile(r"^(canary\.|ptb\.)?discord(app)?\.com$"),
)
# Paths that carry a secret on any host (Discord-style and Mattermost incoming webhooks).
_WEBHOOK_PATH = re.compile(r"/(api/webhooks|hooks)/", re.IGNORECASE)


def _is_webhook(host: str, path: str) -> bool:
    if any(pattern.search(host) for pattern in _WEBHOOK_HOSTS):
        return True
    return bool(_WEBHOOK_PATH.search(path))


def redact_url(url: str | bytes) -> str:
    """``url`` without userinfo, with secret-looking query values masked, webhook paths elided.

    Never raises: a URL that cannot be parsed is replaced by a mask as a whole.
    """
    text = url.decode("utf-8", "replace") if isinstance(url, bytes) else str(url)
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return MASK
    if not parts.scheme and not host:
        # A bare path (e.g. what a client logs): still mask its query.
        return _with_query(parts.path, parts.query)
    netloc = f"{MASK}@{host}{port}" if "@" in parts.netloc else f"{host}{port}"
    if _is_webhook(host, parts.path):
        return f"{parts.scheme}://{netloc}/{ELIDED}"
    return urlunsplit((parts.scheme, netloc, parts.path, _redact_query(parts.query), ""))


def redact_path(path_and_query: str) -> str:
    """A request target (``/path?query``) with secret-looking query values masked."""
    parts = urlsplit(path_and_query)
    return _with_query(parts.path, parts.query)


def _with_query(path: str, query: str) -> str:
    redacted = _redact_query(query)
    return f"{path}?{redacted}" if redacted else path


def _redact_query(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return "&".join(
        f"{quote(name, safe='')}={MASK if _SECRET_PARAM.search(name) else quote(value, safe='')}"
        for name, value in pairs
    )


def is_secret_header(name: str) -> bool:
    return bool(_SECRET_HEADER.search(name))


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` with the values of credential-carrying headers masked."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {name: (MASK if is_secret_header(name) else value) for name, value in items}
