"""The digest for a Mattermost incoming webhook: Slack-compatible ``text`` and ``attachments``.

Mattermost renders markdown (``**bold**``, ``[label](url)``) in both, and mentions owners as
``@username`` for people whose Mattermost username is in the people map. A post holds at most
16,383 characters; a digest that would exceed the limit shows fewer items per section, each
ending "and N more" with a link to the full list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from syncd.connector.digest import (
    Digest,
    OwnerRef,
    Section,
    break_mentions,
    clean_text,
    compose,
    fit,
    markdown_escape,
    plain_text,
    wording,
)

CHANNEL = "mattermost"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}", re.IGNORECASE)

# Attachment colours by section: green for what went well, red and amber for what is late.
COLOURS = {
    "done": "#2EB886",
    "overdue": "#D9534F",
    "due_soon": "#F0AD4E",
    "stale": "#F0AD4E",
    "attention": "#5BC0DE",
    "reviews": "#439FE0",
}

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class MattermostLimits:
    # Items per section a chat message shows at most: a longer list is not read in chat, the
    # "see all" link shows the rest. None: as many as the channel's size limits allow.
    max_items: int | None = 20
    max_characters: int = 16_383  # text plus every attachment's title, text and fallback


class MattermostMarkup:
    def text(self, untrusted: str) -> str:
        return mattermost_text(untrusted)

    def bold(self, markup: str) -> str:
        return f"**{markup}**"

    def link(self, url: str, label: str) -> str:
        return f"[{label}]({url})"

    def mention(self, owner: OwnerRef) -> str | None:
        username = owner.chat_id(CHANNEL)
        if username is None or _USERNAME.fullmatch(username.removeprefix("@")) is None:
            return None
        return "@" + username.removeprefix("@")


def render_mattermost(digest: Digest, limits: MattermostLimits = MattermostLimits()) -> Payload:
    """The webhook's JSON body."""
    if digest.quiet:
        return {"text": mattermost_text(wording.quiet_line(digest))}
    return fit(lambda cap: _payload(digest, cap), lambda p: fits(p, limits), limits.max_items)


def _payload(digest: Digest, cap: int | None) -> Payload:
    markup = MattermostMarkup()
    attachments = [_attachment(section) for section in compose(digest, markup, cap)]
    attachments.append(
        {
            "fallback": plain_text(wording.rates_line(digest)),
            "text": mattermost_text(wording.rates_line(digest)),
        }
    )
    text = (
        f"#### {mattermost_text(wording.heading(digest))}\n"
        f"{mattermost_text(wording.counts_line(digest))}"
    )
    return {"text": text, "attachments": attachments}


def _attachment(section: Section) -> Payload:
    lines: list[str] = []
    for group in section.groups:
        if group.heading is not None:
            lines.append(group.heading)
        lines += list(group.lines)
    if section.more is not None:
        lines.append(section.more)
    title = f"{section.title} ({section.total})"
    return {
        "fallback": plain_text(title),
        "color": COLOURS.get(section.key, "#439FE0"),
        "title": mattermost_text(title),
        "text": "\n".join(lines),
    }


def fits(payload: Payload, limits: MattermostLimits = MattermostLimits()) -> bool:
    size = len(payload.get("text", ""))
    for attachment in payload.get("attachments", []):
        size += sum(len(attachment.get(key, "")) for key in ("fallback", "title", "text"))
    return size <= limits.max_characters


def mattermost_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for Mattermost markdown (also its Slack-compatible fields).

    Mattermost turns Slack's ``<!channel>``, ``<userid>`` and ``<url|text>`` into mentions and
    links before rendering, so ``<`` and ``>`` become entities; ``@`` mentions are broken with a
    zero-width space; markdown is backslash-escaped so ``[text](url)`` is no link.
    """
    text = clean_text(text, limit)
    text = markdown_escape(text.replace("&", "&amp;"))
    text = text.replace("<", "&lt;").replace(">", "&gt;").replace("\\&gt;", "&gt;")
    return break_mentions(text)
