"""The write guard in the HTTP path: asked before every write attempt, never before a read,
and a lost lease stops the request before it leaves (issue 10, point 7)."""

from __future__ import annotations

import random

import pytest
import requests

from syncd.fencing import Fence, LeaseLostError
from syncd.http import HttpPolicy, PolicyEngine
from syncd.http.requests_adapter import mount_policy
from tests.http.fakes import VirtualClock
from tests.http.loopback import Reply, serve

POLICY = HttpPolicy(
    max_attempts=3, read_only_posts=(r"/search/jql$",), backoff_base=1.0, backoff_cap=2.0
)
FENCE = Fence("team:payments", "host:1:abc", 3)


class Guard:
    def __init__(self, lose_after: int | None = None) -> None:
        self.calls = 0
        self.lose_after = lose_after

    def __call__(self) -> None:
        self.calls += 1
        if self.lose_after is not None and self.calls > self.lose_after:
            raise LeaseLostError(FENCE, "other:2:def")


def _session(guard: Guard) -> requests.Session:
    engine = PolicyEngine(
        POLICY, service="jira", clock=VirtualClock(), rng=random.Random(1), write_guard=guard
    )
    session = requests.Session()
    mount_policy(session, engine)
    return session


def test_reads_and_search_posts_are_not_guarded_writes_are() -> None:
    guard = Guard()
    session = _session(guard)
    with serve([Reply(200, body=b"{}")] * 5) as server:
        session.get(f"{server.url}/rest/api/3/issue/PAY-1")
        session.post(f"{server.url}/rest/api/3/search/jql", json={})
        assert guard.calls == 0
        session.post(f"{server.url}/rest/api/3/issue/bulk", json={})
        session.put(f"{server.url}/rest/api/3/issue/PAY-1", json={})
        session.patch(f"{server.url}/repos/a/b/issues/1", json={})
    assert guard.calls == 3


def test_every_attempt_of_a_retried_write_is_guarded() -> None:
    guard = Guard()
    session = _session(guard)
    with serve([Reply(503), Reply(200, body=b"{}")]) as server:
        session.put(f"{server.url}/rest/api/3/issue/PAY-1", json={})
    assert server.count() == 2 and guard.calls == 2


def test_a_lost_lease_stops_the_write_before_it_is_sent() -> None:
    guard = Guard(lose_after=1)
    session = _session(guard)
    with serve([Reply(200, body=b"{}")] * 3) as server:
        session.post(f"{server.url}/repos/a/b/issues", json={"title": "one"})
        with pytest.raises(LeaseLostError, match="now held by other:2:def"):
            session.post(f"{server.url}/repos/a/b/issues", json={"title": "two"})
        session.get(f"{server.url}/repos/a/b/issues/1")  # reads go on
    assert [r.method for r in server.received] == ["POST", "GET"]
