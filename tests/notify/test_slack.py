"""Slack incoming webhooks: the payload sent, pacing, 429, and every documented error."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from connectors.slack import SlackNotifier
from syncd.notifier import Notifier
from tests.http.fakes import VirtualClock
from tests.notify.notify_support import SLACK_SECRET, SLACK_URL, build, captured_logs

PAYLOAD = {
    "text": "Weekly digest",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*3 open*"}}],
}


@respx.mock
def test_a_post_sends_the_payload_as_json_and_200_ok_is_success() -> None:
    route = respx.post(SLACK_URL).mock(return_value=httpx.Response(200, text="ok"))
    notifier = build(SlackNotifier, webhook_url=SLACK_URL, username="syncd", icon_emoji=":memo:")
    assert isinstance(notifier, Notifier)

    result = notifier.post(PAYLOAD)

    assert (result.ok, result.status, result.message, result.permanent) == (True, 200, None, False)
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request.content) == {**PAYLOAD, "username": "syncd", "icon_emoji": ":memo:"}
    notifier.close()


@respx.mock
def test_posts_to_one_webhook_are_paced_a_second_apart() -> None:
    respx.post(SLACK_URL).mock(return_value=httpx.Response(200, text="ok"))
    clock = VirtualClock()
    notifier = build(SlackNotifier, clock, webhook_url=SLACK_URL)

    assert all(notifier.post(PAYLOAD).ok for _ in range(3))

    assert clock.monotonic() == pytest.approx(2.0)
    assert clock.slept == [pytest.approx(1.0), pytest.approx(1.0)]


@respx.mock
def test_429_retry_after_is_honoured_then_the_post_goes_through() -> None:
    route = respx.post(SLACK_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "30"}, text="rate_limited"),
            httpx.Response(200, text="ok"),
        ]
    )
    clock = VirtualClock()
    notifier = build(SlackNotifier, clock, webhook_url=SLACK_URL)

    assert notifier.post(PAYLOAD).ok
    assert route.call_count == 2
    assert clock.monotonic() == pytest.approx(30.0)


@respx.mock
def test_a_pause_longer_than_the_policy_waits_is_reported_with_retry_after() -> None:
    route = respx.post(SLACK_URL).mock(
        return_value=httpx.Response(429, headers={"Retry-After": "600"}, text="rate_limited")
    )
    result = build(SlackNotifier, webhook_url=SLACK_URL).post(PAYLOAD)

    assert route.call_count == 1
    assert (result.ok, result.status, result.retry_after, result.permanent) == (
        False,
        429,
        pytest.approx(600.0),
        False,
    )
    assert "rate-limiting" in (result.message or "")


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (
            400,
            "invalid_payload",
            "Slack rejected the message format (invalid_payload) — a syncd bug, please report",
        ),
        (400, "invalid_blocks", "a syncd bug, please report"),
        (400, "too_many_attachments", "too many attachments"),
        (403, "action_prohibited", "the workspace admin restricted this webhook"),
        (404, "channel_not_found", "the webhook was removed or its channel deleted"),
        (404, "no_service", "create a new one and update SLACK_WEBHOOK_"),
        (
            410,
            "channel_is_archived",
            "the channel is archived (channel_is_archived): "
            "unarchive it or point the webhook elsewhere",
        ),
        (403, "invalid_token", "no longer valid"),
    ],
)
@respx.mock
def test_each_error_is_reported_in_words_a_person_can_act_on(
    status: int, code: str, expected: str
) -> None:
    route = respx.post(SLACK_URL).mock(return_value=httpx.Response(status, text=code))
    with captured_logs() as logs:
        result = build(SlackNotifier, webhook_url=SLACK_URL).post(PAYLOAD)

    assert route.call_count == 1  # a refusal is never retried
    assert (result.ok, result.status, result.permanent) == (False, status, True)
    assert result.message is not None and result.message.startswith("Slack")
    assert expected in result.message
    assert "notify.post_failed" in logs.getvalue()
    assert SLACK_SECRET not in logs.getvalue() + result.message


@respx.mock
def test_an_unknown_refusal_still_says_what_slack_answered() -> None:
    respx.post(SLACK_URL).mock(return_value=httpx.Response(400, text="something_new"))
    result = build(SlackNotifier, webhook_url=SLACK_URL).post(PAYLOAD)
    assert result.message == "Slack refused the post (HTTP 400): something_new"
    assert result.permanent


def test_an_empty_webhook_url_is_reported_without_sending() -> None:
    result = build(SlackNotifier, webhook_url="").post(PAYLOAD)
    assert (result.ok, result.permanent) == (False, True)
    assert "no Slack webhook URL is set: SLACK_WEBHOOK_" in (result.message or "")
