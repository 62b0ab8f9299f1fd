"""Discord webhooks (wait=true, 429 from the body, refusals) and the generic JSON webhook."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from connectors.discord import DiscordNotifier
from connectors.webhook import WebhookNotifier
from tests.http.fakes import VirtualClock
from tests.notify.notify_support import (
    DISCORD_SECRET,
    DISCORD_URL,
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    build,
    captured_logs,
)

EMBEDS = {"content": "Weekly digest", "embeds": [{"title": "Overdue", "description": "2 items"}]}


@respx.mock
def test_discord_waits_for_the_message_and_blocks_mass_mentions() -> None:
    route = respx.post(DISCORD_URL, params={"wait": "true"}).mock(
        return_value=httpx.Response(200, json={"id": "1", "channel_id": "2"})
    )
    notifier = build(DiscordNotifier, webhook_url=DISCORD_URL, username="syncd")
    result = notifier.post(EMBEDS)
    assert (result.ok, result.status) == (True, 200)
    sent = json.loads(route.calls.last.request.content)
    assert sent == {**EMBEDS, "username": "syncd", "allowed_mentions": {"parse": []}}


@respx.mock
def test_discord_also_accepts_204() -> None:
    respx.post(DISCORD_URL, params={"wait": "true"}).mock(return_value=httpx.Response(204))
    assert build(DiscordNotifier, webhook_url=DISCORD_URL).post(EMBEDS).ok


@respx.mock
def test_a_slack_compatible_payload_goes_to_the_slack_endpoint() -> None:
    route = respx.post(f"{DISCORD_URL}/slack", params={"wait": "true"}).mock(
        return_value=httpx.Response(200, text="ok")
    )
    payload = {"text": "digest", "attachments": [{"text": "2 overdue"}]}
    assert build(DiscordNotifier, webhook_url=DISCORD_URL).post(payload).ok
    assert json.loads(route.calls.last.request.content) == payload


@respx.mock
def test_discord_429_retry_after_from_the_body_is_honoured() -> None:
    limited = {"message": "You are being rate limited.", "retry_after": 1.5, "global": False}
    route = respx.post(DISCORD_URL, params={"wait": "true"}).mock(
        side_effect=[httpx.Response(429, json=limited), httpx.Response(200, json={"id": "1"})]
    )
    clock = VirtualClock()
    assert build(DiscordNotifier, clock, webhook_url=DISCORD_URL).post(EMBEDS).ok
    assert route.call_count == 2
    assert clock.slept == [pytest.approx(1.5)]


@respx.mock
def test_discord_429_header_wins_over_the_body() -> None:
    limited = {"message": "You are being rate limited.", "retry_after": 0.5, "global": False}
    respx.post(DISCORD_URL, params={"wait": "true"}).mock(
        side_effect=[
            httpx.Response(429, json=limited, headers={"Retry-After": "4"}),
            httpx.Response(200, json={"id": "1"}),
        ]
    )
    clock = VirtualClock()
    assert build(DiscordNotifier, clock, webhook_url=DISCORD_URL).post(EMBEDS).ok
    assert clock.slept == [pytest.approx(4.0)]


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            400,
            {"code": 50035, "message": "Invalid Form Body"},
            "50035 Invalid Form Body) — a syncd bug",
        ),
        (404, {"code": 10015, "message": "Unknown Webhook"}, "the webhook was deleted"),
        (401, {"code": 50027, "message": "Invalid Webhook Token"}, "token is invalid"),
    ],
)
@respx.mock
def test_discord_refusals_are_mapped(status: int, body: dict[str, object], expected: str) -> None:
    respx.post(DISCORD_URL, params={"wait": "true"}).mock(
        return_value=httpx.Response(status, json=body)
    )
    result = build(DiscordNotifier, webhook_url=DISCORD_URL).post(EMBEDS)
    assert (result.ok, result.permanent, result.status) == (False, True, status)
    assert expected in (result.message or "")
    assert DISCORD_SECRET not in (result.message or "")


@pytest.mark.parametrize("status", [200, 201, 202, 204])
@respx.mock
def test_the_generic_webhook_sends_its_headers_and_accepts_any_2xx(status: int) -> None:
    route = respx.post(WEBHOOK_URL).mock(return_value=httpx.Response(status))
    notifier = build(
        WebhookNotifier,
        webhook_url=WEBHOOK_URL,
        headers={"Authorization": "Bearer hdr-secret-123456", "X-Digest-Format": "syncd-digest-v1"},
    )
    digest = {"team": "payments", "counts": {"open": 3}}
    assert notifier.post(digest).ok
    request = route.calls.last.request
    assert request.headers["Authorization"] == "Bearer hdr-secret-123456"
    assert request.headers["X-Digest-Format"] == "syncd-digest-v1"
    assert json.loads(request.content) == digest


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "refused syncd's credentials"),
        (403, "check the headers"),
        (404, "no such endpoint"),
        (422, "HTTP 422"),
    ],
)
@respx.mock
def test_generic_webhook_refusals_never_show_its_secrets(status: int, expected: str) -> None:
    respx.post(WEBHOOK_URL).mock(return_value=httpx.Response(status, text="nope"))
    header_secret = "Bearer hdr-secret-123456"
    with captured_logs() as logs:
        result = build(
            WebhookNotifier, webhook_url=WEBHOOK_URL, headers={"Authorization": header_secret}
        ).post({"team": "payments"})
    assert not result.ok and result.permanent
    assert expected in (result.message or "")
    shown = logs.getvalue() + repr(result)
    assert "notify.post_failed" in shown
    for secret in (WEBHOOK_SECRET, WEBHOOK_URL, header_secret, "hdr-secret-123456"):
        assert secret not in shown
