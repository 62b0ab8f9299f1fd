"""The standard suite of a notifier connector: posting, rate limits, bad URLs and garbage
answers reported (never raised), webhook URLs masked, and no mention from untrusted text.

The suite answers the notifier's requests itself, through the transport a ``NotifierContext``
may carry, so a harness needs no server: only the connector class and a webhook URL.
"""

from __future__ import annotations

import io
import json
import re
from abc import ABC
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar

import httpx
import pytest
from pydantic import ValidationError

from syncd.connector.notifier import Notifier, NotifierContext, PostResult
from syncd.connector.settings import ConnectorSettings
from syncd.connector.testing.clock import VirtualClock
from syncd.connector.testing.digests import hostile_digest
from syncd.connector.testing.secrets import assert_secrets_masked
from syncd.output.logs import configure

__all__ = ["ANY_MENTION", "HOSTILE_MENTIONS", "NotifierHarness", "NotifierSuite"]

PAYLOAD: Mapping[str, Any] = {"text": "Weekly digest: 3 open, 1 overdue"}
# What chats read as a mention in text they parse, whatever syncd escapes around it (a zero-width
# space after "@" breaks one): Slack's and Mattermost's words and <!…>/<@…> tokens, Discord's
# words, Teams' <at> tags. A harness narrows it to its channel's syntax.
ANY_MENTION = re.compile(
    r"(?<![\w\u200b])@(here|channel|everyone|all)\b|<[!@]|<\s*at\b", re.IGNORECASE
)
HOSTILE_MENTIONS = (
    "@here",
    "@channel",
    "@everyone",
    "@all",
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<@U0BADBAD1>",
    "<at>Chief Executive</at>",
)

Answer = Callable[[httpx.Request], httpx.Response]


class NotifierHarness(ABC):
    """The connector under test, a webhook URL holding a secret, and what a mention in its
    channel looks like."""

    connector: ClassVar[type[Any]]  # the notifier class, as registered
    webhook_url: ClassVar[str]
    secret: ClassVar[str]  # the part of ``webhook_url`` that is the credential

    def settings(self, webhook_url: str) -> ConnectorSettings:
        """Valid settings posting to ``webhook_url``."""
        settings: ConnectorSettings = self.connector.Settings.model_validate(
            {"webhook_url": webhook_url}
        )
        return settings

    def ok_answer(self) -> httpx.Response:
        """What the vendor answers to a post it accepted."""
        return httpx.Response(200, text="ok")

    # A known person's id in this channel (``handle`` in a team file), whom a digest may mention.
    handle: ClassVar[str | None] = None

    def render_titled(self, text: str) -> Mapping[str, Any] | None:
        """The payload of a digest whose titles, owners and errors hold the untrusted ``text``;
        None when the receiver parses no mention (a generic JSON webhook)."""
        digest = hostile_digest(text, channel_type=self.connector.type, handle=self.handle)
        payload: Mapping[str, Any] = self.connector.render(digest)
        return payload

    # What this channel reads as a mention (``ANY_MENTION`` when not narrowed).
    mention_syntax: ClassVar[re.Pattern[str]] = ANY_MENTION

    def own_mentions(self, text: str) -> str:
        """``text`` without the mentions syncd itself puts there (a resolved owner)."""
        return text


def _strings(payload: object) -> Iterator[str]:
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, Mapping):
        for value in payload.values():
            yield from _strings(value)
    elif isinstance(payload, list | tuple):
        for value in payload:
            yield from _strings(value)


@contextmanager
def _captured_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure(log_format="json", level="debug", stream=stream)
    try:
        yield stream
    finally:
        configure(log_format="json", level="info")


class NotifierSuite:
    """Subclass it as ``Test…`` and give a ``harness`` fixture returning a NotifierHarness."""

    @pytest.fixture
    def clock(self) -> VirtualClock:
        return VirtualClock()

    @staticmethod
    def _post(
        harness: NotifierHarness,
        clock: VirtualClock,
        answer: Answer,
        *,
        url: str | None = None,
    ) -> tuple[PostResult, list[httpx.Request], str]:
        sent: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            sent.append(request)
            return answer(request)

        context = NotifierContext(
            team="payments", http_clock=clock, transport=httpx.MockTransport(handler)
        )
        settings = harness.settings(harness.webhook_url if url is None else url)
        with _captured_logs() as logs:
            notifier: Notifier = harness.connector(settings, context)
            try:
                result = notifier.post(PAYLOAD)
            finally:
                notifier.close()
        assert harness.secret not in (result.message or ""), "a result shows the webhook URL"
        assert harness.secret not in logs.getvalue(), "a log line shows the webhook URL"
        return result, sent, logs.getvalue()

    def test_a_post_is_sent_as_json_and_reported_posted(
        self, harness: NotifierHarness, clock: VirtualClock
    ) -> None:
        result, sent, _ = self._post(harness, clock, lambda _: harness.ok_answer())

        assert (result.ok, result.permanent, result.ambiguous) == (True, False, False)
        [request] = sent
        assert request.method == "POST"
        assert request.headers["Content-Type"].startswith("application/json")
        assert isinstance(json.loads(request.content), dict)

    def test_a_429_is_waited_out_as_retry_after_asks(
        self, harness: NotifierHarness, clock: VirtualClock
    ) -> None:
        answers = iter([httpx.Response(429, headers={"Retry-After": "30"}, text="slow down")])

        result, sent, _ = self._post(harness, clock, lambda _: next(answers, harness.ok_answer()))

        assert result.ok and len(sent) == 2
        assert sum(clock.slept) >= 30, clock.slept

    def test_a_long_rate_limit_is_reported_with_its_pause(
        self, harness: NotifierHarness, clock: VirtualClock
    ) -> None:
        def limited(_: httpx.Request) -> httpx.Response:
            return httpx.Response(429, headers={"Retry-After": "600"}, text="rate limited")

        result, _, _ = self._post(harness, clock, limited)

        assert (result.ok, result.permanent) == (False, False)
        assert result.retry_after == pytest.approx(600.0)
        assert result.message

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(500, text="<html><body>Internal error</body></html>"),
            httpx.Response(502, text=""),
            httpx.Response(400, text="\x00\xff not json {"),
            httpx.Response(401, text="<html>sign in</html>"),
            httpx.Response(404, json={"unexpected": ["shape"]}),
            httpx.Response(302, headers={"Location": "https://elsewhere.example/"}),
        ],
        ids=["500-html", "502-empty", "400-garbage", "401-html", "404-json", "302-redirect"],
    )
    def test_a_refusal_or_garbage_is_reported_not_raised(
        self, harness: NotifierHarness, clock: VirtualClock, answer: httpx.Response
    ) -> None:
        result, _, _ = self._post(harness, clock, lambda _: answer)

        assert not result.ok
        assert result.message

    def test_a_connection_failure_is_reported_not_raised(
        self, harness: NotifierHarness, clock: VirtualClock
    ) -> None:
        def unreachable(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError(f"cannot connect to {request.url}", request=request)

        result, _, _ = self._post(harness, clock, unreachable)

        assert (result.ok, result.permanent) == (False, False)
        assert result.message

    def test_a_missing_url_is_reported_without_a_request(
        self, harness: NotifierHarness, clock: VirtualClock
    ) -> None:
        result, sent, _ = self._post(harness, clock, lambda _: harness.ok_answer(), url="")

        assert (result.ok, result.permanent, sent) == (False, True, [])
        assert result.message

    def test_a_malformed_url_is_refused_without_being_shown(self, harness: NotifierHarness) -> None:
        bad = f"ftp:/{harness.secret}"
        with pytest.raises(ValidationError) as refused:
            harness.settings(bad)
        # The core reports a settings error by its messages, never by its input (which
        # ``str(ValidationError)`` would show): those must not echo the URL either.
        messages = refused.value.errors(include_input=False, include_url=False)
        assert harness.secret not in repr(messages)

    def test_the_webhook_url_is_masked_in_settings(self, harness: NotifierHarness) -> None:
        assert_secrets_masked(harness.settings(harness.webhook_url))

    @pytest.mark.parametrize("mention", HOSTILE_MENTIONS)
    def test_untrusted_text_mentions_nobody(self, harness: NotifierHarness, mention: str) -> None:
        payload = harness.render_titled(f"{mention} fix the failover {mention}")
        if payload is None:
            pytest.skip("this receiver parses no mentions")
        texts = [harness.own_mentions(text) for text in _strings(payload)]
        assert any("failover" in text for text in texts), "the untrusted text was not rendered"
        assert not [t for t in texts if harness.mention_syntax.search(t)], (mention, texts)
