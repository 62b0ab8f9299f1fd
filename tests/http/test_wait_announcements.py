"""The policy announces each wait before it sits it out: how long, until when, and why."""

from __future__ import annotations

import random

import pytest
import requests

from syncd.http import HttpPolicy, PolicyEngine, RateLimitedError, WaitObserver, WaitRecord
from syncd.http.requests_adapter import mount_policy
from tests.http.fakes import EPOCH, VirtualClock
from tests.http.loopback import Reply, serve

POLICY = HttpPolicy(max_attempts=4, backoff_base=1.0, backoff_cap=4.0, max_inline_wait=120.0)


def _session(
    on_wait: WaitObserver, policy: HttpPolicy = POLICY
) -> tuple[requests.Session, VirtualClock]:
    clock = VirtualClock()
    engine = PolicyEngine(
        policy,
        service="jira",
        clock=clock,
        rng=random.Random(5),
        on_wait=on_wait,
    )
    session = requests.Session()
    mount_policy(session, engine)
    return session, clock


def test_a_rate_limit_and_a_backoff_are_announced_with_when_they_end() -> None:
    waits: list[WaitRecord] = []
    session, clock = _session(waits.append)
    script = [Reply(429, {"Retry-After": "30"}), Reply(502)]
    with serve(script, now=clock.monotonic) as server:
        assert session.get(f"{server.url}/rest/api/3/myself").status_code == 200

    rate_limit, backoff = waits
    assert rate_limit == WaitRecord("jira", 30.0, EPOCH + 30.0, True, "HTTP 429")
    assert (backoff.rate_limit, backoff.reason) == (False, "HTTP 502")
    # Announced as it begins: its end is the wall time then plus the wait the clock then slept.
    assert backoff.until == pytest.approx(EPOCH + 30.0 + backoff.seconds)
    assert clock.slept == [30.0, backoff.seconds]


def test_a_429_without_retry_after_is_still_a_rate_limit() -> None:
    waits: list[WaitRecord] = []
    session, clock = _session(waits.append)
    with serve([Reply(429)], now=clock.monotonic) as server:
        session.get(f"{server.url}/a")
    [wait] = waits
    assert wait.rate_limit and wait.reason == "HTTP 429"


def test_a_wait_longer_than_the_policy_sits_out_is_not_announced() -> None:
    waits: list[WaitRecord] = []
    session, clock = _session(waits.append)
    with (
        serve([Reply(429, {"Retry-After": "3600"})], now=clock.monotonic) as server,
        pytest.raises(RateLimitedError),
    ):
        session.get(f"{server.url}/a")
    assert waits == [] and clock.slept == []


def test_a_failing_observer_never_costs_the_request() -> None:
    def broken(_wait: WaitRecord) -> None:
        raise RuntimeError("the display fell over")

    session, clock = _session(broken)
    with serve([Reply(503, {"Retry-After": "5"})], now=clock.monotonic) as server:
        assert session.get(f"{server.url}/a").status_code == 200
    assert server.count() == 2 and clock.slept == [5.0]
