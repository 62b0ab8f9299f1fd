"""The policy adapter for requests sessions, against a scripted loopback server."""

from __future__ import annotations

import io
import random

import pytest
import requests

from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpPolicy,
    PolicyEngine,
    RateLimitedError,
    RequestInfo,
    TransientError,
    error_for_status,
)
from syncd.http.requests_adapter import mount_policy
from tests.http.fakes import Records, VirtualClock
from tests.http.loopback import Drop, Hang, Reply, serve, unused_port

POLICY = HttpPolicy(
    max_attempts=3,
    connect_timeout=2.0,
    read_timeout=0.3,
    backoff_base=1.0,
    backoff_cap=4.0,
    max_inline_wait=120.0,
    user_agent="syncd-test/1",
)


def _session(policy: HttpPolicy = POLICY) -> tuple[requests.Session, VirtualClock, Records]:
    clock = VirtualClock()
    records = Records()
    engine = PolicyEngine(
        policy, service="jira", clock=clock, rng=random.Random(5), observer=records
    )
    session = requests.Session()
    mount_policy(session, engine)
    return session, clock, records


def test_no_request_is_sent_before_retry_after_has_passed() -> None:
    session, clock, records = _session()
    script = [Reply(429, {"Retry-After": "30"}), Reply(503, {"Retry-After": "12"})]
    with serve(script, now=clock.monotonic) as server:
        response = session.get(f"{server.url}/rest/api/3/myself")
    assert response.status_code == 200
    times = [r.at for r in server.received]
    assert len(times) == 3
    assert times[1] - times[0] >= 30.0
    assert times[2] - times[1] >= 12.0
    assert [r.retried for r in records.items] == [True, True, False]
    assert [r.status for r in records.items] == [429, 503, 200]


def test_a_hold_applies_to_every_request_to_that_host() -> None:
    session, clock, _ = _session(HttpPolicy(max_attempts=1, max_inline_wait=120.0))
    with serve([Reply(429, {"Retry-After": "45"})], now=clock.monotonic) as server:
        with pytest.raises(RateLimitedError) as caught:
            session.get(f"{server.url}/a")
        session.get(f"{server.url}/b")  # a different request still waits for the hold
    assert caught.value.retry_after == pytest.approx(45.0)
    assert server.received[1].at - server.received[0].at >= 45.0


def test_a_too_long_retry_after_gives_up_at_once_with_the_wait() -> None:
    session, clock, _ = _session()
    with (
        serve([Reply(429, {"Retry-After": "3600"})], now=clock.monotonic) as server,
        pytest.raises(RateLimitedError) as caught,
    ):
        session.get(f"{server.url}/rest/api/3/search/jql")
    assert server.count() == 1
    assert caught.value.retry_after == pytest.approx(3600.0)
    assert clock.slept == []


@pytest.mark.parametrize("status", [500, 502, 504])
def test_post_on_a_server_error_is_ambiguous_after_one_attempt(status: int) -> None:
    session, clock, _ = _session()
    with (
        serve(otherwise=Reply(status), now=clock.monotonic) as server,
        pytest.raises(AmbiguousWriteError) as caught,
    ):
        session.post(f"{server.url}/rest/api/3/issue", json={"fields": {}})
    assert server.count() == 1
    assert caught.value.status == status


def test_post_on_a_dropped_connection_is_ambiguous_after_one_attempt() -> None:
    session, clock, _ = _session()
    with (
        serve(otherwise=Drop(), now=clock.monotonic) as server,
        pytest.raises(AmbiguousWriteError) as caught,
    ):
        session.post(f"{server.url}/rest/api/3/issue", json={"fields": {}})
    assert server.count() == 1
    assert "dropped" in caught.value.reason


def test_post_on_a_read_timeout_is_ambiguous_after_one_attempt() -> None:
    session, clock, _ = _session()
    with (
        serve(otherwise=Hang(), now=clock.monotonic) as server,
        pytest.raises(AmbiguousWriteError) as caught,
    ):
        session.post(f"{server.url}/rest/api/3/issue", json={"fields": {}})
    assert server.count() == 1
    assert "read_timeout" in caught.value.reason


def test_post_on_429_is_retried_and_sent_again_whole() -> None:
    session, clock, records = _session()
    script = [Reply(429, {"Retry-After": "2"}), Reply(201, body=b'{"key": "PAY-1"}')]
    with serve(script, now=clock.monotonic) as server:
        response = session.post(f"{server.url}/rest/api/3/issue", json={"summary": "x"})
    assert response.json() == {"key": "PAY-1"}
    assert [r.body for r in server.received] == [b'{"summary": "x"}'] * 2
    assert len(records.items) == 2


def test_a_seekable_body_is_rewound_for_the_retry() -> None:
    session, clock, _ = _session()
    with serve([Reply(503), Reply(200)], now=clock.monotonic) as server:
        session.put(f"{server.url}/upload", data=io.BytesIO(b"payload"))
    assert [r.body for r in server.received] == [b"payload", b"payload"]


def test_a_one_shot_body_is_sent_once() -> None:
    session, clock, _ = _session()
    with serve(otherwise=Reply(503), now=clock.monotonic) as server, pytest.raises(TransientError):
        session.put(f"{server.url}/upload", data=iter([b"pay", b"load"]))
    assert server.count() == 1


def test_put_on_500_is_retried() -> None:
    session, clock, _ = _session()
    with serve([Reply(500), Reply(500)], now=clock.monotonic) as server:
        response = session.put(f"{server.url}/rest/api/3/issue/PAY-1", json={"fields": {}})
    assert response.status_code == 200
    assert server.count("PUT") == 3


def test_get_on_a_dropped_connection_is_retried() -> None:
    session, clock, records = _session()
    with serve([Drop(), Drop()], now=clock.monotonic) as server:
        response = session.get(f"{server.url}/rest/api/3/issue/PAY-1")
    assert response.status_code == 200
    assert server.count() == 3
    assert [r.error for r in records.items] == ["dropped", "dropped", None]


def test_max_attempts_then_a_transient_error() -> None:
    session, clock, records = _session()
    with (
        serve(otherwise=Reply(503), now=clock.monotonic) as server,
        pytest.raises(TransientError) as caught,
    ):
        session.get(f"{server.url}/rest/api/3/issue/PAY-1")
    assert server.count() == POLICY.max_attempts
    assert caught.value.attempts == POLICY.max_attempts
    assert type(caught.value) is TransientError
    assert len(clock.slept) == POLICY.max_attempts - 1
    # Full jitter under the ceiling base * 2**(n-1).
    assert all(0 <= s <= 1.0 * 2**n for n, s in enumerate(clock.slept))
    assert [r.endpoint for r in records.items] == ["/rest/api/3/issue/{key}"] * 3


def test_401_comes_back_to_the_client_after_one_attempt() -> None:
    session, clock, _ = _session()
    with serve(otherwise=Reply(401, body=b'{"message": "nope"}'), now=clock.monotonic) as server:
        response = session.get(f"{server.url}/rest/api/3/myself")
    assert response.status_code == 401
    assert response.json() == {"message": "nope"}
    assert server.count() == 1
    request = RequestInfo("jira", "GET", response.url, repeatable=True)
    error = error_for_status(request, response.status_code, response.headers, clock.wall())
    assert isinstance(error, AuthError)


def test_post_is_retried_when_the_connection_is_refused() -> None:
    session, _, records = _session()
    url = f"http://127.0.0.1:{unused_port()}/rest/api/3/issue"
    with pytest.raises(TransientError) as caught:
        session.post(url, json={"fields": {}})
    assert type(caught.value) is TransientError
    assert caught.value.attempts == POLICY.max_attempts
    assert [r.error for r in records.items] == ["connect_failed"] * POLICY.max_attempts


def test_timeouts_and_user_agent_come_from_the_policy() -> None:
    session, clock, _ = _session()
    with serve(now=clock.monotonic) as server:
        session.get(f"{server.url}/x", headers={"User-Agent": "someone-else"}, timeout=999)
        with (
            serve(otherwise=Hang(), now=clock.monotonic) as slow,
            pytest.raises(TransientError) as caught,
        ):
            session.get(f"{slow.url}/slow", timeout=999)  # the policy's 0.3 s wins
    assert server.received[0].headers["User-Agent"] == "syncd-test/1"
    assert "read_timeout" in caught.value.reason
