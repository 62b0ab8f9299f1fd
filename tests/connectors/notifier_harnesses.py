"""Harnesses of our notifier connectors for the standard notifier suite: the URLs and their
secrets are those the notifier tests use; the suite renders its hostile digest with each
connector's ``render``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

from connectors.discord import DiscordNotifier
from connectors.mattermost import MattermostNotifier
from connectors.msteams import TeamsNotifier
from connectors.slack import SlackNotifier
from connectors.webhook import WebhookNotifier
from syncd.connector.testing import NotifierHarness
from tests.notify import notify_support as urls


class SlackHarness(NotifierHarness):
    connector = SlackNotifier
    webhook_url = urls.SLACK_URL
    secret = urls.SLACK_SECRET
    handle = "U012ABCDEF"
    mention_syntax = re.compile(r"(?<![\w\u200b])@(here|channel|everyone)\b|<[!@]")

    def own_mentions(self, text: str) -> str:
        return text.replace(f"<@{self.handle}>", "")


class TeamsHarness(NotifierHarness):
    connector = TeamsNotifier
    webhook_url = urls.TEAMS_URL
    secret = urls.TEAMS_SECRET
    handle = "alice@acme.example"
    mention_syntax = re.compile(r"<\s*at\b", re.IGNORECASE)

    def ok_answer(self) -> httpx.Response:
        return httpx.Response(202)

    def own_mentions(self, text: str) -> str:
        return text.replace("<at>alice</at>", "")  # the known person, as a mention entity


class MattermostHarness(NotifierHarness):
    connector = MattermostNotifier
    webhook_url = urls.MATTERMOST_URL
    secret = urls.MATTERMOST_SECRET
    handle = "alice"
    mention_syntax = re.compile(r"(?<![\w\u200b])@(all|channel|here|everyone)\b|<[!@]")

    def own_mentions(self, text: str) -> str:
        return text.replace(f"@{self.handle}", "")


class DiscordHarness(NotifierHarness):
    connector = DiscordNotifier
    webhook_url = urls.DISCORD_URL
    secret = urls.DISCORD_SECRET
    handle = "123456789012345678"
    mention_syntax = re.compile(r"(?<![\w\u200b])@(everyone|here)\b")

    def ok_answer(self) -> httpx.Response:
        return httpx.Response(200, json={"id": "1", "type": 0})

    def own_mentions(self, text: str) -> str:
        return text.replace(f"<@{self.handle}>", "")  # listed in allowed_mentions


class WebhookHarness(NotifierHarness):
    connector = WebhookNotifier
    webhook_url = urls.WEBHOOK_URL
    secret = urls.WEBHOOK_SECRET

    def render_titled(self, text: str) -> Mapping[str, Any] | None:
        return None  # JSON for a program: text kept as written, no chat parses it
