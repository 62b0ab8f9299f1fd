"""The fake GitHub's rate limits, faults and silent drop, seen over HTTP."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
import requests

from tests.fakes.faults import Fault
from tests.fakes.github.limits import PrimaryLimit, RateLimiter, SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.github.state import ManualClock

ISSUES = "/repos/acme/payments/issues"


def _session(fake: FakeGitHub, token: str | None = None) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"token {token or fake.token}"
    return session


def _create(fake: FakeGitHub, session: requests.Session, title: str = "x") -> requests.Response:
    return session.post(f"{fake.url}{ISSUES}", json={"title": title}, timeout=5)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeGitHub]:
    with FakeGitHub(clock=clock, secondary=SecondaryLimits.off()) as server:
        yield server


# --- primary limit ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 429])
def test_primary_limit_exhausted_then_reset(clock: ManualClock, status: int) -> None:
    primary = PrimaryLimit(limit=3, window=600, status=status)
    with FakeGitHub(clock=clock, primary=primary, secondary=SecondaryLimits.off()) as fake:
        session = _session(fake)
        answers = [session.get(f"{fake.url}{ISSUES}", timeout=5) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, status]
        assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
        refused = answers[-1]
        assert refused.json()["message"].startswith("API rate limit exceeded for user ID")
        reset = int(refused.headers["x-ratelimit-reset"])
        assert reset == int(clock().timestamp()) + 600
        assert refused.headers["x-ratelimit-used"] == "3"
        # /rate_limit is free and still answers
        assert session.get(f"{fake.url}/rate_limit", timeout=5).json()["rate"]["remaining"] == 0
        clock.advance(600)
        again = session.get(f"{fake.url}{ISSUES}", timeout=5)
        assert (again.status_code, again.headers["x-ratelimit-remaining"]) == (200, "2")
        assert [r.limited for r in fake.requests].count("primary") == 1


def test_every_answer_carries_the_rate_limit_headers(fake: FakeGitHub) -> None:
    session = _session(fake)
    for answer in (
        session.get(f"{fake.url}{ISSUES}/999", timeout=5),
        _create(fake, session),
        requests.get(f"{fake.url}/user", timeout=5),
    ):
        assert answer.headers["x-ratelimit-resource"] == "core"
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= {
            k.lower() for k in answer.headers
        }


# --- secondary limits ---------------------------------------------------------------------------


def test_content_per_minute_then_penalty_then_recovery() -> None:
    now = [0.0]
    limiter = RateLimiter(
        secondary=SecondaryLimits(content_per_minute=2, min_write_interval=None, retry_after=5),
        monotonic=lambda: now[0],
    )
    assert limiter.check_secondary("POST", "/x", 1) is None
    assert limiter.check_secondary("POST", "/x", 1) is None
    assert limiter.check_secondary("POST", "/x", 1) == 5  # third inside the minute
    now[0] = 3.0
    assert limiter.check_secondary("GET", "/x", 1) == 2  # penalty: even a read, 2 s left
    now[0] = 5.0
    assert limiter.check_secondary("PATCH", "/x", 1) is None  # edits create no content
    assert limiter.check_secondary("POST", "/x", 1) == 5  # still 2 in the last minute
    now[0] = 70.0
    assert limiter.check_secondary("POST", "/x", 1) is None
    reasons = [h.reason for h in limiter.secondary_hits()]
    assert reasons == ["content_per_minute", "penalty", "content_per_minute"]


def test_content_per_hour_and_write_interval() -> None:
    now = [0.0]
    limits = SecondaryLimits(content_per_minute=None, content_per_hour=2, min_write_interval=1.0)
    limiter = RateLimiter(secondary=limits.scaled(10), monotonic=lambda: now[0])
    assert limiter.secondary.hour == 360 and limiter.secondary.min_write_interval == 0.1
    assert limiter.check_secondary("POST", "/x", 1) is None
    now[0] = 0.05
    assert limiter.check_secondary("PATCH", "/x", 1) is not None  # 50 ms after a write
    now[0] = 10.0
    assert limiter.check_secondary("POST", "/x", 1) is None
    now[0] = 20.0
    assert limiter.check_secondary("POST", "/x", 1) is not None  # third inside the hour
    assert [h.reason for h in limiter.secondary_hits()] == ["write_interval", "content_per_hour"]


def test_secondary_answer_over_http_and_retry_after_windows(fake: FakeGitHub) -> None:
    fake.limits.secondary = SecondaryLimits(min_write_interval=30.0, retry_after=2)
    session = _session(fake)
    assert _create(fake, session).status_code == 201
    refused = _create(fake, session)
    assert refused.status_code == 403
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["message"].startswith("You have exceeded a secondary rate limit")
    early = session.get(f"{fake.url}{ISSUES}", timeout=5)  # inside the penalty
    assert early.status_code == 403
    assert [r.status for r in fake.requests_before_retry_after()] == [403]
    assert [h.reason for h in fake.secondary_hits] == ["write_interval", "penalty"]


def test_too_many_concurrent_requests(fake: FakeGitHub) -> None:
    fake.limits.secondary = SecondaryLimits(
        content_per_minute=None, min_write_interval=None, max_concurrent=2, retry_after=1
    )
    fake.faults.latency = 0.3  # keeps requests in flight together
    results: list[int] = []
    lock = threading.Lock()

    def fetch() -> None:
        status = _session(fake).get(f"{fake.url}{ISSUES}", timeout=5).status_code
        with lock:
            results.append(status)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results).count(403) >= 1
    assert "concurrency" in {h.reason for h in fake.secondary_hits}


# --- faults -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["500", "502", "503"])
def test_server_errors_are_not_applied(fake: FakeGitHub, kind: str) -> None:
    fake.faults.on("POST", ISSUES, Fault(kind))
    session = _session(fake)
    assert _create(fake, session).status_code == int(kind)
    assert len(fake.repo.issues) == 3  # only the seeded pull requests
    assert _create(fake, session).status_code == 201  # once by default


def test_429_fault_carries_retry_after(fake: FakeGitHub) -> None:
    fake.faults.next(1, Fault("429", retry_after=7))
    answer = _create(fake, _session(fake))
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    assert fake.requests[-1].fault == "429"


def test_drop_after_creates_the_issue_but_loses_the_answer(fake: FakeGitHub) -> None:
    fake.faults.next(1, Fault("drop_after"))
    with pytest.raises(requests.ConnectionError):
        _create(fake, _session(fake), "lost answer")
    assert [i.title for i in fake.repo.issues.values()][-1] == "lost answer"
    assert fake.requests[-1].status is None


def test_drop_before_changes_nothing(fake: FakeGitHub) -> None:
    fake.faults.next(1, Fault("drop_before"))
    with pytest.raises(requests.ConnectionError):
        _create(fake, _session(fake))
    assert len(fake.repo.issues) == 3


def test_random_faults_are_reproducible_by_seed() -> None:
    def kinds(seed: int) -> list[str | None]:
        with FakeGitHub(secondary=SecondaryLimits.off()) as fake:
            fake.faults.random(0.5, kinds=("500", "502", "503", "429"), seed=seed)
            session = _session(fake)
            for _ in range(20):
                session.get(f"{fake.url}{ISSUES}", timeout=5)
            return [r.fault for r in fake.requests]

    first = kinds(7)
    assert first == kinds(7)
    assert 3 <= sum(1 for k in first if k) <= 17


# --- the silent drop ----------------------------------------------------------------------------


def test_triage_less_token_drops_labels_assignees_milestone(fake: FakeGitHub) -> None:
    fake.state.add_collaborator(fake.repo, "alice")
    fake.state.create_milestone(fake.repo, "Q4", fake.bot)
    fake.add_token("ghp_reader", "reader", "read")
    answer = _session(fake, "ghp_reader").post(
        f"{fake.url}{ISSUES}",
        json={"title": "t", "labels": ["pm"], "assignees": ["alice"], "milestone": 1},
        timeout=5,
    )
    assert answer.status_code == 201
    body = answer.json()
    assert (body["labels"], body["assignees"], body["milestone"]) == ([], [], None)
    assert {(d.field, d.reason) for d in fake.drops} == {
        ("labels", "no_triage_permission"),
        ("assignees", "no_triage_permission"),
        ("milestone", "no_triage_permission"),
    }
    assert "Authorization" in fake.requests[-1].headers
    assert fake.requests[-1].headers["Authorization"] == "token REDACTED"
