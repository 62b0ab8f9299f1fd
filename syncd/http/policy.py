"""The settings of the HTTP policy: frozen, validated, one instance per external service."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from syncd import __version__

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


@dataclass(frozen=True)
class HttpPolicy:
    """How syncd talks to one external service.

    ``max_inline_wait`` is the longest server-requested pause (``Retry-After``, rate-limit reset)
    the policy sits out before retrying; a longer one raises :class:`RateLimitedError` so the
    cycle can move on to other work. ``min_interval`` spaces all requests to a host;
    ``min_write_interval`` additionally spaces writes (GitHub asks for one second between
    content-creating requests).
    ``read_only_posts`` are regular expressions matched against the URL path of POST requests that
    only read (Jira's ``/search/jql``), so a failed one is retried instead of reported ambiguous.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    max_inline_wait: float = 60.0
    min_interval: float = 0.0
    min_write_interval: float = 0.0
    user_agent: str = field(default=f"syncd/{__version__}")
    read_only_posts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "backoff_base", "backoff_cap"):
            if getattr(self, name) <= 0:
                raise ValueError(f"HttpPolicy.{name} must be greater than 0")
        for name in ("max_inline_wait", "min_interval", "min_write_interval"):
            if getattr(self, name) < 0:
                raise ValueError(f"HttpPolicy.{name} must not be negative")
        if self.max_attempts < 1:
            raise ValueError("HttpPolicy.max_attempts must be at least 1")
        for pattern in self.read_only_posts:
            re.compile(pattern)

    def is_repeatable(self, method: str, path: str) -> bool:
        """Whether sending the request twice has the effect of sending it once."""
        verb = method.upper()
        if verb in IDEMPOTENT_METHODS:
            return True
        return verb == "POST" and any(re.search(p, path) for p in self.read_only_posts)

    def is_write(self, method: str, path: str) -> bool:
        """Whether the request changes something at the service (a search POST does not)."""
        verb = method.upper()
        if verb in {"GET", "HEAD", "OPTIONS"}:
            return False
        return not (verb == "POST" and any(re.search(p, path) for p in self.read_only_posts))

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff after the ``attempt``-th attempt (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** max(attempt - 1, 0))
        return rng.uniform(0.0, ceiling)
