"""Microsoft Teams Workflows and Mattermost webhooks: success answers and mapped refusals."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from connectors.mattermost import MattermostNotifier
from connectors.msteams import TeamsNotifier
from tests.notify.notify_support import (
    MATTERMOST_SECRET,
    MATTERMOST_URL,
    TEAMS_SECRET,
    TEAMS_URL,
    build,
)

CARD = {
    "type": "message",
    "attachments": [
        {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {"type": "AdaptiveCard", "version": "1.4", "body": []},
        }
    ],
}


@pytest.mark.parametrize("status", [202, 200])
@respx.mock
def test_teams_accepts_202_and_200(status: int) -> None:
    route = respx.post(TEAMS_URL).mock(return_value=httpx.Response(status))
    result = build(TeamsNotifier, webhook_url=TEAMS_URL).post(CARD)
    assert (result.ok, result.status) == (True, status)
    assert json.loads(route.calls.last.request.content) == CARD


@respx.mock
def test_teams_400_names_the_flows_own_error() -> None:
    body = {
        "error": {"code": "TriggerInputSchemaMismatch", "message": "The input body  did not match"}
    }
    respx.post(TEAMS_URL).mock(return_value=httpx.Response(400, json=body))
    result = build(TeamsNotifier, webhook_url=TEAMS_URL).post(CARD)
    assert result.permanent and not result.ok
    assert result.message is not None
    assert "TriggerInputSchemaMismatch: The input body did not match" in result.message
    assert "a syncd bug, please report" in result.message


@pytest.mark.parametrize("status", [401, 403])
@respx.mock
def test_teams_401_and_403_say_the_signature_is_invalid_or_the_flow_is_off(status: int) -> None:
    route = respx.post(TEAMS_URL).mock(return_value=httpx.Response(status, json={}))
    result = build(TeamsNotifier, webhook_url=TEAMS_URL).post(CARD)
    assert route.call_count == 1
    assert result.permanent and result.status == status
    assert "signature is invalid or the flow is turned off" in (result.message or "")
    assert TEAMS_SECRET not in (result.message or "")


@respx.mock
def test_teams_500_is_not_retried_and_may_have_been_posted() -> None:
    route = respx.post(TEAMS_URL).mock(return_value=httpx.Response(502))
    result = build(TeamsNotifier, webhook_url=TEAMS_URL).post(CARD)
    assert route.call_count == 1  # a POST that may have been applied is never sent twice
    assert (result.ok, result.ambiguous, result.permanent) == (False, True, False)
    assert "may or may not have been posted" in (result.message or "")


@respx.mock
def test_mattermost_posts_with_the_configured_overrides() -> None:
    route = respx.post(MATTERMOST_URL).mock(return_value=httpx.Response(200, text="ok"))
    notifier = build(
        MattermostNotifier,
        webhook_url=MATTERMOST_URL,
        channel="incidents",
        username="syncd",
        icon_emoji="memo",
    )
    assert notifier.post({"text": "digest", "attachments": []}).ok
    assert json.loads(route.calls.last.request.content) == {
        "text": "digest",
        "attachments": [],
        "channel": "incidents",
        "username": "syncd",
        "icon_emoji": "memo",
    }


@pytest.mark.parametrize(
    ("status", "error_id", "expected"),
    [
        (400, "web.incoming_webhook.text.app_error", "rejected the message format"),
        (400, "web.incoming_webhook.invalid.app_error", "the webhook was removed"),
        (404, "", "the webhook was removed"),
        (403, "web.incoming_webhook.channel_locked.app_error", "locked to its channel"),
        (403, "api.incoming_webhook.disabled.app_error", "ask the Mattermost admin"),
        (400, "web.incoming_webhook.channel.app_error", "the channel does not exist"),
    ],
)
@respx.mock
def test_mattermost_refusals_are_mapped(status: int, error_id: str, expected: str) -> None:
    body = {"id": error_id, "message": "Server says no", "status_code": status}
    respx.post(MATTERMOST_URL).mock(return_value=httpx.Response(status, json=body))
    result = build(MattermostNotifier, webhook_url=MATTERMOST_URL).post({"text": "x"})
    assert (result.ok, result.permanent, result.status) == (False, True, status)
    assert result.message is not None and result.message.startswith("Mattermost")
    assert expected in result.message
    assert MATTERMOST_SECRET not in result.message
