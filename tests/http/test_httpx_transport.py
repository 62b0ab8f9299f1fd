"""The policy transport for httpx clients, driven through respx."""

from __future__ import annotations

import random

import httpx
import pytest
import respx

from syncd.http import (
    AmbiguousWriteError,
    AuthError,
    HttpPolicy,
    PermanentError,
    PolicyEngine,
    RateLimitedError,
    TransientError,
)
from syncd.http.httpx_transport import PolicyTransport, raise_for_policy
from tests.http.fakes import Records, VirtualClock

POLICY = HttpPolicy(max_attempts=3, max_inline_wait=60.0, user_agent="syncd-test/1")
HOOK = "https://chat.example.com/api/post"


def _client() -> tuple[httpx.Client, VirtualClock, Records]:
    clock = VirtualClock()
    records = Records()
    engine = PolicyEngine(
        POLICY, service="chat", clock=clock, rng=random.Random(4), observer=records
    )
    return httpx.Client(transport=PolicyTransport(engine)), clock, records


@respx.mock
def test_429_then_success_waits_the_retry_after() -> None:
    route = respx.post(HOOK).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)]
    )
    client, clock, records = _client()
    response = client.post(HOOK, json={"text": "digest"})
    assert response.status_code == 200
    assert route.call_count == 2
    assert clock.slept == [pytest.approx(7.0)]
    assert route.calls[1].request.content == b'{"text":"digest"}'
    assert route.calls[0].request.headers["User-Agent"] == "syncd-test/1"
    assert [r.status for r in records.items] == [429, 200]


@respx.mock
def test_post_on_500_is_ambiguous_after_one_attempt() -> None:
    route = respx.post(HOOK).mock(return_value=httpx.Response(500))
    client, _, _ = _client()
    with pytest.raises(AmbiguousWriteError):
        client.post(HOOK, json={})
    assert route.call_count == 1


@respx.mock
def test_post_on_a_read_timeout_is_ambiguous_after_one_attempt() -> None:
    route = respx.post(HOOK).mock(side_effect=httpx.ReadTimeout("slow"))
    client, _, _ = _client()
    with pytest.raises(AmbiguousWriteError):
        client.post(HOOK, json={})
    assert route.call_count == 1


@respx.mock
def test_post_on_a_refused_connection_is_retried() -> None:
    route = respx.post(HOOK).mock(side_effect=[httpx.ConnectError("refused"), httpx.Response(204)])
    client, _, records = _client()
    assert client.post(HOOK, json={}).status_code == 204
    assert route.call_count == 2
    assert records.items[0].error == "connect_failed"


@respx.mock
def test_get_on_503_gives_up_after_max_attempts() -> None:
    route = respx.get(HOOK).mock(return_value=httpx.Response(503))
    client, _, _ = _client()
    with pytest.raises(TransientError):
        client.get(HOOK)
    assert route.call_count == POLICY.max_attempts


@respx.mock
def test_a_long_retry_after_raises_rate_limited() -> None:
    respx.post(HOOK).mock(return_value=httpx.Response(429, headers={"Retry-After": "900"}))
    client, clock, _ = _client()
    with pytest.raises(RateLimitedError) as caught:
        client.post(HOOK, json={})
    assert caught.value.retry_after == pytest.approx(900.0)
    assert clock.slept == []


@respx.mock
@pytest.mark.parametrize(
    ("status", "error"), [(401, AuthError), (403, AuthError), (404, PermanentError)]
)
def test_definitive_answers_come_back_and_map_to_our_errors(
    status: int, error: type[Exception]
) -> None:
    route = respx.post(HOOK).mock(return_value=httpx.Response(status))
    client, _, _ = _client()
    response = client.post(HOOK, json={})
    assert response.status_code == status
    assert route.call_count == 1
    with pytest.raises(error):
        raise_for_policy(response, "chat")


@respx.mock
def test_success_raises_nothing() -> None:
    respx.get(HOOK).mock(return_value=httpx.Response(200))
    client, _, _ = _client()
    raise_for_policy(client.get(HOOK), "chat")
