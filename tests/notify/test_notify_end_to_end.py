"""Against a real local receiving server, with the real httpx transport under the policy:
posts arrive as sent, 429 is waited out, and the webhook URL never shows anywhere."""

from __future__ import annotations

import json
import logging

import pytest

from connectors.mattermost import MattermostNotifier
from connectors.slack import SlackNotifier
from connectors.webhook import WebhookNotifier
from syncd.notifier import PostResult
from tests.http.fakes import VirtualClock
from tests.http.loopback import Drop, Reply, serve, unused_port
from tests.notify.notify_support import build, captured_logs

SECRET = "e2eHookSecret0123456789abcdef"


def test_posts_arrive_at_the_receiver_as_sent() -> None:
    clock = VirtualClock()
    with serve(otherwise=Reply(200, body=b"ok"), now=clock.monotonic) as server:
        notifier = build(MattermostNotifier, clock, webhook_url=f"{server.url}/hooks/{SECRET}")
        results = [notifier.post({"text": f"digest {n}"}) for n in range(3)]
        notifier.close()

    assert [r.ok for r in results] == [True, True, True]
    assert [json.loads(r.body) for r in server.received] == [
        {"text": f"digest {n}"} for n in range(3)
    ]
    assert {r.path for r in server.received} == {f"/hooks/{SECRET}"}
    assert server.received[0].headers["Content-Type"] == "application/json; charset=utf-8"
    assert server.received[0].headers["User-Agent"].startswith("syncd/")


def test_a_429_is_waited_out_against_a_real_server() -> None:
    clock = VirtualClock()
    script = [Reply(429, headers={"Retry-After": "5"}, body=b"rate_limited")]
    with serve(script, otherwise=Reply(200, body=b"ok"), now=clock.monotonic) as server:
        notifier = build(SlackNotifier, clock, webhook_url=f"{server.url}/hooks/{SECRET}")
        result = notifier.post({"text": "digest"})
        notifier.close()

    assert result.ok
    assert [r.at for r in server.received] == [pytest.approx(0.0), pytest.approx(5.0)]


def _outcomes(caplog: pytest.LogCaptureFixture) -> tuple[list[PostResult], str]:
    caplog.set_level(logging.DEBUG)  # httpx and httpcore log at INFO and DEBUG
    results: list[PostResult] = []
    with captured_logs() as logs:
        scripts = [
            [Reply(404, body=b"channel_not_found")],
            [Reply(410, body=b"channel_is_archived")],
            [Reply(500, body=b"")],
            [Reply(302, headers={"Location": "https://elsewhere.example/moved"})],
            [Drop()],
            [Reply(429, headers={"Retry-After": "3600"})],
        ]
        for script in scripts:
            for cls, path in ((SlackNotifier, "hooks"), (WebhookNotifier, "ingest")):
                with serve(script, now=VirtualClock().monotonic) as server:
                    notifier = build(cls, webhook_url=f"{server.url}/{path}/{SECRET}")
                    results.append(notifier.post({"text": "digest"}))
                    notifier.close()
        refused = build(
            SlackNotifier, webhook_url=f"http://127.0.0.1:{unused_port()}/hooks/{SECRET}"
        )
        results.append(refused.post({"text": "digest"}))
    return results, logs.getvalue()


def test_the_webhook_url_never_appears_in_logs_errors_or_results(
    caplog: pytest.LogCaptureFixture,
) -> None:
    results, logs = _outcomes(caplog)

    assert not any(result.ok for result in results)
    assert any(result.ambiguous for result in results)  # the 500 and the dropped connection
    assert any(result.retry_after == pytest.approx(3600) for result in results)
    assert "notify.post_failed" in logs
    shown = [logs, *caplog.messages, *(repr(result) for result in results)]
    leaks = [text for text in shown if SECRET in text]
    assert leaks == []
