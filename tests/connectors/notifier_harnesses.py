"""Harnesses of our notifier connectors for the standard notifier suite.

``render_titled`` renders a digest whose titles and owners are hostile with the channel's
renderer; the URLs and their secrets are those the notifier tests use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any, ClassVar

import httpx

from connectors.discord import DiscordNotifier
from connectors.mattermost import MattermostNotifier
from connectors.msteams import TeamsNotifier
from connectors.slack import SlackNotifier
from connectors.webhook import WebhookNotifier
from syncd.connector.testing import NotifierHarness
from syncd.digest import (
    Digest,
    build_digest,
    render_discord,
    render_mattermost,
    render_slack,
    render_teams,
)
from syncd.model import Owner
from tests.digest.team_fixture import CHAT_IDS, LAST_DIGEST, LINK_BASE, NOW, POLICY, item
from tests.digest.team_fixture import postmortem as make_postmortem
from tests.digest.team_fixture import state as item_state
from tests.notify import notify_support as urls


def hostile_digest(text: str) -> Digest:
    """A digest of three items whose titles, owners as written and errors are ``text``; one
    item is owned by a person syncd knows (whom the channel may mention)."""
    pm = make_postmortem("hostile", text, NOW.date() - timedelta(days=60))
    states = []
    for n, due_days in enumerate((-3, 2, 30)):
        action = item(f"{text} {n}", pm, owner="alice" if n == 1 else None)
        action = replace(
            action, due=replace(action.due, date=NOW.date() + timedelta(days=due_days))
        )
        if n != 1:
            action = replace(action, owner=Owner(written=text, person=None))
        states.append(item_state(action, key=f"PAY-{n + 1}", sync_error=text))
    return build_digest("payments", states, [pm], POLICY, NOW, LAST_DIGEST, LINK_BASE, CHAT_IDS)


class _Rendered(NotifierHarness):
    renderer: ClassVar[Callable[[Digest], Mapping[str, Any]]]

    def render_titled(self, text: str) -> Mapping[str, Any] | None:
        return type(self).renderer(hostile_digest(text))


class SlackHarness(_Rendered):
    connector = SlackNotifier
    webhook_url = urls.SLACK_URL
    secret = urls.SLACK_SECRET
    renderer = render_slack
    mention_syntax = re.compile(r"(?<![\w\u200b])@(here|channel|everyone)\b|<[!@]")

    def own_mentions(self, text: str) -> str:
        return text.replace("<@U012ABCDEF>", "")  # alice, from the people map


class TeamsHarness(_Rendered):
    connector = TeamsNotifier
    webhook_url = urls.TEAMS_URL
    secret = urls.TEAMS_SECRET
    renderer = render_teams
    mention_syntax = re.compile(r"<\s*at\b", re.IGNORECASE)

    def ok_answer(self) -> httpx.Response:
        return httpx.Response(202)

    def own_mentions(self, text: str) -> str:
        return text.replace("<at>alice</at>", "")  # alice, from the people map, as an entity


class MattermostHarness(_Rendered):
    connector = MattermostNotifier
    webhook_url = urls.MATTERMOST_URL
    secret = urls.MATTERMOST_SECRET
    renderer = render_mattermost
    mention_syntax = re.compile(r"(?<![\w\u200b])@(all|channel|here|everyone)\b|<[!@]")

    def own_mentions(self, text: str) -> str:
        return text.replace("@alice", "")  # alice, from the people map


class DiscordHarness(_Rendered):
    connector = DiscordNotifier
    webhook_url = urls.DISCORD_URL
    secret = urls.DISCORD_SECRET
    renderer = render_discord
    mention_syntax = re.compile(r"(?<![\w\u200b])@(everyone|here)\b")

    def ok_answer(self) -> httpx.Response:
        return httpx.Response(200, json={"id": "1", "type": 0})

    def own_mentions(self, text: str) -> str:
        return re.sub(r"<@\d+>", "", text)  # syncd's own, listed in allowed_mentions


class WebhookHarness(NotifierHarness):
    connector = WebhookNotifier
    webhook_url = urls.WEBHOOK_URL
    secret = urls.WEBHOOK_SECRET

    def render_titled(self, text: str) -> Mapping[str, Any] | None:
        return None  # JSON for a program: text kept as written, no chat parses it
