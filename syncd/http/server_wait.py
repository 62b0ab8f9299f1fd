"""How long a server asked us to stay away: ``Retry-After`` and rate-limit reset headers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime

# Retry-After is honoured where it means "come back later" (RFC 9110 §10.2.3); on a 3xx it is
# a redirect hint, and GitHub sends it on 403 for its secondary rate limits.
_RETRY_AFTER_STATUSES = frozenset({403, 408, 413, 429, 503})


def parse_retry_after(value: str, wall_now: float) -> float | None:
    """Seconds to wait from ``wall_now``: delay-seconds or an HTTP-date. None when unreadable."""
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN is not a delay
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        return None
    return max(when.timestamp() - wall_now, 0.0)


def parse_reset(value: str, wall_now: float) -> float | None:
    """A rate-limit reset, as seconds from ``wall_now``: epoch seconds (GitHub) or ISO 8601."""
    text = value.strip()
    try:
        return max(float(text) - wall_now, 0.0)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return max(when.timestamp() - wall_now, 0.0)


def rate_limit_exhausted(headers: Mapping[str, str]) -> bool:
    """GitHub's primary limit: ``x-ratelimit-remaining: 0``."""
    remaining = headers.get("x-ratelimit-remaining", "").strip()
    return remaining in {"0", "0.0"}


def server_wait(status: int, headers: Mapping[str, str], wall_now: float) -> float | None:
    """Seconds every request to this host must wait, as the answer says; None if it says nothing.

    ``headers`` must have lower-case names.
    """
    waits: list[float] = []
    if status in _RETRY_AFTER_STATUSES and "retry-after" in headers:
        parsed = parse_retry_after(headers["retry-after"], wall_now)
        if parsed is not None:
            waits.append(parsed)
    if rate_limit_exhausted(headers) and "x-ratelimit-reset" in headers:
        parsed = parse_reset(headers["x-ratelimit-reset"], wall_now)
        if parsed is not None:
            waits.append(parsed)
    return max(waits) if waits else None
