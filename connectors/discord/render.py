"""The digest for a Discord webhook, in Discord's own format: ``content`` plus ``embeds``.

Discord's own format (rather than its Slack-compatible ``/slack`` endpoint) is used because it
lets syncd state ``allowed_mentions``: nothing in the message can ping anyone except the users
syncd itself names. ``content`` carries the headline; each section is an embed. Mentions of
owners sit beside their items in the embeds, where Discord shows them as names without a
notification. Discord's limits: content 2,000 characters, 10 embeds, an embed's title 256 and
description 4,096, all embeds together 6,000 characters. A digest that would exceed them shows
fewer items per section, each ending "and N more" with a link to the full list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from syncd.connector.digest import (
    ZWSP,
    Digest,
    OwnerRef,
    Section,
    break_mentions,
    clean_text,
    compose,
    fit,
    markdown_escape,
    wording,
)

CHANNEL = "discord"
USER_ID = r"[0-9]{15,21}"  # a user id, as people write it in a team file
_USER_ID = re.compile(USER_ID)

COLOURS = {
    "done": 0x2EB886,
    "overdue": 0xD9534F,
    "due_soon": 0xF0AD4E,
    "stale": 0xF0AD4E,
    "attention": 0x5BC0DE,
    "reviews": 0x439FE0,
}

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DiscordLimits:
    # Items per section a chat message shows at most: a longer list is not read in chat, the
    # "see all" link shows the rest. None: as many as the channel's size limits allow.
    max_items: int | None = 20
    content: int = 2000
    max_embeds: int = 10
    embed_title: int = 256
    embed_description: int = 4096
    embed_footer: int = 2048
    embeds_total: int = 6000
    allowed_users: int = 100


class DiscordMarkup:
    """Discord markdown; remembers the users it mentioned, for ``allowed_mentions``."""

    def __init__(self) -> None:
        self.users: dict[str, None] = {}  # ordered set

    def text(self, untrusted: str) -> str:
        return discord_text(untrusted)

    def bold(self, markup: str) -> str:
        return f"**{markup}**"

    def link(self, url: str, label: str) -> str:
        return f"[{label}]({url})"

    def mention(self, owner: OwnerRef) -> str | None:
        user = owner.chat_id(CHANNEL)
        if user is None or _USER_ID.fullmatch(user) is None:
            return None
        self.users[user] = None
        return f"<@{user}>"


def render_discord(digest: Digest, limits: DiscordLimits = DiscordLimits()) -> Payload:
    """The webhook's JSON body."""
    if digest.quiet:
        return {
            "content": discord_text(wording.quiet_line(digest)),
            "allowed_mentions": {"parse": []},
        }
    return fit(lambda cap: _payload(digest, cap), lambda p: fits(p, limits), limits.max_items)


def _payload(digest: Digest, cap: int | None) -> Payload:
    markup = DiscordMarkup()
    embeds = [_embed(section) for section in compose(digest, markup, cap)]
    if embeds:
        embeds[-1]["footer"] = {"text": discord_text(wording.rates_line(digest))}
    content = (
        f"**{discord_text(wording.heading(digest))}**\n{discord_text(wording.counts_line(digest))}"
    )
    return {
        "content": content,
        "embeds": embeds,
        "allowed_mentions": {"parse": [], "users": list(markup.users)},
    }


def _embed(section: Section) -> Payload:
    lines: list[str] = []
    for group in section.groups:
        if group.heading is not None:
            lines.append(group.heading)
        lines += list(group.lines)
    if section.more is not None:
        lines.append(section.more)
    return {
        "title": discord_text(f"{section.title} ({section.total})"),
        "description": "\n".join(lines),
        "color": COLOURS.get(section.key, 0x439FE0),
    }


def fits(payload: Payload, limits: DiscordLimits = DiscordLimits()) -> bool:
    embeds = payload.get("embeds", [])
    if len(payload.get("content", "")) > limits.content or len(embeds) > limits.max_embeds:
        return False
    if len(payload.get("allowed_mentions", {}).get("users", [])) > limits.allowed_users:
        return False
    total = 0
    for embed in embeds:
        title = embed.get("title", "")
        description = embed.get("description", "")
        footer = embed.get("footer", {}).get("text", "")
        if (
            len(title) > limits.embed_title
            or len(description) > limits.embed_description
            or len(footer) > limits.embed_footer
        ):
            return False
        total += len(title) + len(description) + len(footer)
    return total <= limits.embeds_total


def discord_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for Discord markdown (content and embeds).

    ``@everyone`` and ``@here`` get a zero-width space after the ``@``; ``<@…>``, ``<@&…>``,
    ``<#…>`` and ``</command:…>`` one after the ``<``; markdown is backslash-escaped, so a masked
    link ``[bank](https://evil)`` shows its brackets. (The payload's ``allowed_mentions`` also
    stops any ping syncd did not put there.)
    """
    text = clean_text(text, limit)
    text = markdown_escape(text)
    return break_mentions(text.replace("<", "<" + ZWSP))
