"""Retry-After parsing, backoff with full jitter, and the policy's validation."""

from __future__ import annotations

import random
import re

import pytest

from syncd.http import HttpPolicy
from syncd.http.server_wait import parse_reset, parse_retry_after, server_wait

WALL = 1_750_000_000.0  # 2025-06-15T15:06:40Z


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Sun, 15 Jun 2025 15:07:40 GMT", 60.0),
        ("Sunday, 15-Jun-25 15:07:40 GMT", 60.0),  # RFC 850, still allowed by RFC 9110
        ("Sun Jun 15 15:07:40 2025", None),  # asctime has no zone: not trusted
        ("Sun, 15 Jun 2025 15:00:00 GMT", 0.0),  # in the past
        ("soon", None),
        ("", None),
        ("nan", None),
    ],
)
def test_retry_after(value: str, expected: float | None) -> None:
    parsed = parse_retry_after(value, WALL)
    assert parsed == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (str(int(WALL) + 42), 42.0),
        ("2025-06-15T15:07:40Z", 60.0),
        ("2025-06-15T15:07:40.000+00:00", 60.0),
        ("2025-06-15T15:07:40", None),
        ("later", None),
    ],
)
def test_rate_limit_reset(value: str, expected: float | None) -> None:
    parsed = parse_reset(value, WALL)
    assert parsed == (pytest.approx(expected) if expected is not None else None)


def test_github_exhausted_limit_holds_even_a_success() -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(WALL) + 90)}
    assert server_wait(200, headers, WALL) == pytest.approx(90.0)
    remaining = {"x-ratelimit-remaining": "3", "x-ratelimit-reset": str(int(WALL) + 90)}
    assert server_wait(200, remaining, WALL) is None


def test_retry_after_on_a_redirect_is_not_a_hold() -> None:
    assert server_wait(301, {"retry-after": "30"}, WALL) is None
    assert server_wait(503, {"retry-after": "30"}, WALL) == pytest.approx(30.0)


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 8, 20])
def test_backoff_is_full_jitter_under_an_exponential_ceiling(attempt: int) -> None:
    policy = HttpPolicy(backoff_base=0.5, backoff_cap=10.0)
    ceiling = min(10.0, 0.5 * 2 ** (attempt - 1))
    rng = random.Random(attempt)
    draws = [policy.backoff(attempt, rng) for _ in range(2000)]
    assert all(0.0 <= d <= ceiling for d in draws)
    # Full jitter spreads over the whole range, not just near the ceiling.
    assert min(draws) < ceiling * 0.05
    assert max(draws) > ceiling * 0.95


def test_backoff_is_reproducible_with_a_seeded_random() -> None:
    policy = HttpPolicy()
    first = [policy.backoff(n, random.Random(3)) for n in range(1, 6)]
    again = [policy.backoff(n, random.Random(3)) for n in range(1, 6)]
    assert first == again


@pytest.mark.parametrize(
    "settings",
    [
        {"max_attempts": 0},
        {"connect_timeout": 0},
        {"read_timeout": -1},
        {"backoff_base": 0},
        {"min_interval": -0.1},
        {"max_inline_wait": -1},
        {"read_only_posts": ("(",)},
    ],
)
def test_nonsense_settings_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises((ValueError, re.error)):
        HttpPolicy(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/x", True),
        ("put", "/x", True),
        ("DELETE", "/x", True),
        ("POST", "/rest/api/3/issue", False),
        ("PATCH", "/repos/o/r/issues/1", False),
        ("POST", "/rest/api/3/search/jql", True),
    ],
)
def test_which_requests_are_repeatable(method: str, path: str, expected: bool) -> None:
    policy = HttpPolicy(read_only_posts=(r"/search/jql$",))
    assert policy.is_repeatable(method, path) is expected
