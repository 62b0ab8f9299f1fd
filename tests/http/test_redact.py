"""Redaction of URLs and headers, and proof that no secret leaves the HTTP policy."""

from __future__ import annotations

import random
import traceback

import httpx
import pytest
import requests
import respx
import structlog

from syncd.http import HttpError, HttpPolicy, PolicyEngine, endpoint_of, redact_headers, redact_url
from syncd.http.httpx_transport import PolicyTransport
from syncd.http.requests_adapter import mount_policy
from tests.http.fakes import Records, VirtualClock
from tests.http.loopback import Drop, Reply, serve, unused_port

SECRET = "s3cr3t-Token-ZX81"  # a stand-in credential


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://jira.example.com/rest/api/3/issue", "https://jira.example.com/rest/api/3/issue"),
        (f"https://bot:{SECRET}@jira.example.com/x", "https://***@jira.example.com/x"),
        (f"https://{SECRET}@api.github.com:8443/x", "https://***@api.github.com:8443/x"),
        (
            f"https://h.example/x?jql=project%3DPAY&access_token={SECRET}&startAt=0",
            "https://h.example/x?jql=project%3DPAY&access_token=***&startAt=0",
        ),
        (f"https://h.example/x?key={SECRET}", "https://h.example/x?key=***"),
        (f"https://h.example/x?api_key={SECRET}", "https://h.example/x?api_key=***"),
        (f"https://h.example/x?sig={SECRET}&code={SECRET}", "https://h.example/x?sig=***&code=***"),
        (f"https://h.example/x?client_secret={SECRET}", "https://h.example/x?client_secret=***"),
        (f"https://h.example/x?password={SECRET}", "https://h.example/x?password=***"),
        (
            f"https://h.example/x?X-Amz-Signature={SECRET}",
            "https://h.example/x?X-Amz-Signature=***",
        ),
        (f"https://hooks.slack.com/services/T000/B000/{SECRET}", "https://hooks.slack.com/…"),
        (
            f"https://acme.webhook.office.com/webhookb2/{SECRET}@tenant/IncomingWebhook/x/y",
            "https://acme.webhook.office.com/…",
        ),
        (
            f"https://prod-1.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/"
            f"invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig={SECRET}",
            "https://prod-1.westeurope.logic.azure.com:443/…",
        ),
        (f"https://discord.com/api/webhooks/123/{SECRET}", "https://discord.com/…"),
        (f"https://chat.example.org/hooks/{SECRET}", "https://chat.example.org/…"),
        (f"/rest/api/3/search/jql?token={SECRET}", "/rest/api/3/search/jql?token=***"),
        ("http://[::1", "***"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert SECRET not in redact_url(url)


def test_redact_headers() -> None:
    headers = {
        "Authorization": f"Basic {SECRET}",
        "Proxy-Authorization": SECRET,
        "Cookie": f"JSESSIONID={SECRET}",
        "Set-Cookie": SECRET,
        "X-Api-Key": SECRET,
        "X-Atlassian-Token": SECRET,
        "X-Client-Secret": SECRET,
        "Accept": "application/json",
        "X-RateLimit-Reset": "1750000000",
        "Retry-After": "3",
    }
    redacted = redact_headers(headers)
    assert SECRET not in repr(redacted)
    assert redacted["Accept"] == "application/json"
    assert redacted["X-RateLimit-Reset"] == "1750000000"
    assert redacted["Retry-After"] == "3"
    assert redact_headers([("authorization", SECRET)]) == {"authorization": "***"}


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        (
            "https://x.atlassian.net/rest/api/3/issue/PAY-12?fields=summary",
            "/rest/api/3/issue/{key}",
        ),
        (
            "https://x.atlassian.net/rest/api/2/issue/10042/remotelink",
            "/rest/api/2/issue/{id}/remotelink",
        ),
        ("https://api.github.com/repos/o/r/issues/7", "/repos/o/r/issues/{id}"),
        (
            "https://x.atlassian.net/rest/api/3/user?accountId=5b10ac8d82e05b22cc7d4ef5",
            "/rest/api/3/user",
        ),
        (f"https://hooks.slack.com/services/T0/B0/{SECRET}", "/…"),
    ],
)
def test_endpoint_templates(url: str, endpoint: str) -> None:
    assert endpoint_of(url) == endpoint


def _everything_said(
    error: BaseException | None, records: Records, logs: list[dict[str, object]]
) -> str:
    said = [repr(records.items), repr(logs)]
    if error is not None:
        said += [str(error), repr(error), "".join(traceback.format_exception(error))]
        if isinstance(error, HttpError):
            said += [error.url, error.reason]
    return "\n".join(said)


@pytest.mark.parametrize(
    "script",
    [[Reply(503), Reply(429, {"Retry-After": "1"}), Reply(500)], [Drop(), Drop(), Drop()]],
    ids=["answers", "drops"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_secret_in_logs_errors_or_records_with_requests(
    script: list[object], method: str
) -> None:
    clock, records = VirtualClock(), Records()
    engine = PolicyEngine(HttpPolicy(max_attempts=3), service="jira", clock=clock, observer=records)
    session = requests.Session()
    mount_policy(session, engine)
    error: BaseException | None = None
    with serve(script, now=clock.monotonic) as server:  # type: ignore[arg-type]
        host = server.url.removeprefix("http://")
        url = f"http://bot:{SECRET}@{host}/rest/api/3/search?token={SECRET}&sig={SECRET}"
        with structlog.testing.capture_logs() as logs:
            try:
                session.request(method, url, headers={"Authorization": f"Bearer {SECRET}"})
            except HttpError as exc:
                error = exc
    assert error is not None
    assert records.items
    assert any(log["event"] == "http.giving_up" for log in logs)
    assert SECRET not in _everything_said(error, records, logs)


def test_no_secret_when_the_connection_is_refused() -> None:
    records = Records()
    engine = PolicyEngine(
        HttpPolicy(max_attempts=2), service="jira", clock=VirtualClock(), observer=records
    )
    session = requests.Session()
    mount_policy(session, engine)
    url = f"http://127.0.0.1:{unused_port()}/x?api_key={SECRET}"
    with structlog.testing.capture_logs() as logs, pytest.raises(HttpError) as caught:
        session.post(url, headers={"Authorization": SECRET})
    assert len(records.items) == 2
    assert SECRET not in _everything_said(caught.value, records, logs)


@respx.mock
def test_no_secret_from_a_webhook_url_with_httpx() -> None:
    hook = f"https://hooks.slack.com/services/T0/B0/{SECRET}"
    respx.post(hook).mock(return_value=httpx.Response(503))
    records = Records()
    engine = PolicyEngine(
        HttpPolicy(max_attempts=2),
        service="slack",
        clock=VirtualClock(),
        rng=random.Random(1),
        observer=records,
    )
    client = httpx.Client(transport=PolicyTransport(engine))
    with structlog.testing.capture_logs() as logs, pytest.raises(HttpError) as caught:
        client.post(hook, json={"text": "hi"})
    assert caught.value.url == "https://hooks.slack.com/…"
    assert SECRET not in _everything_said(caught.value, records, logs)
