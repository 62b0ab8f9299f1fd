"""The digest for a Slack incoming webhook: Block Kit with a plain-text fallback.

Limits are Slack's documented ones for messages and blocks: 50 blocks a message, 3,000
characters in a section's text, 150 in a header, 10 fields of 2,000 characters, 10 elements in a
context block. A digest that would exceed them shows fewer items per section, each section
ending "and N more" with a link to the full list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from connectors.slack.escape import slack_plain_text, slack_text, slack_url
from syncd.connector.digest import Digest, OwnerRef, Section, compose, fit, wording

CHANNEL = "slack"
MEMBER_ID = r"[UW][A-Z0-9]{2,}"  # a member id, as people write it in a team file
_MEMBER_ID = re.compile(MEMBER_ID)
# A mention as written in a document, with the display name Slack may put beside the id.
MENTION = re.compile(r"^<@(?P<id>[A-Z0-9]+)(?:\|(?P<name>[^>]+))?>$", re.IGNORECASE)

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SlackLimits:
    # Items per section a chat message shows at most: a longer list is not read in chat, the
    # "see all" link shows the rest. None: as many as the channel's size limits allow.
    max_items: int | None = 20
    max_blocks: int = 50
    section_text: int = 3000
    header_text: int = 150
    max_fields: int = 10
    field_text: int = 2000
    context_elements: int = 10
    fallback_text: int = 3000  # Slack shows up to 40,000; a notification preview far less


class SlackMarkup:
    def text(self, untrusted: str) -> str:
        return slack_text(untrusted)

    def bold(self, markup: str) -> str:
        return f"*{markup}*"

    def link(self, url: str, label: str) -> str:
        return f"<{slack_url(url)}|{label}>"

    def mention(self, owner: OwnerRef) -> str | None:
        member = owner.chat_id(CHANNEL)
        if member is None or _MEMBER_ID.fullmatch(member) is None:
            return None
        return f"<@{member}>"


def render_slack(digest: Digest, limits: SlackLimits = SlackLimits()) -> Payload:
    """The webhook's JSON body."""
    if digest.quiet:
        line = slack_text(wording.quiet_line(digest))
        return {"text": line, "blocks": [_section(line)]}
    return fit(
        lambda cap: _payload(digest, limits, cap), lambda p: fits(p, limits), limits.max_items
    )


def _payload(digest: Digest, limits: SlackLimits, cap: int | None) -> Payload:
    markup = SlackMarkup()
    blocks: list[Payload] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": slack_plain_text(wording.heading(digest), limits.header_text),
                "emoji": True,
            },
        },
        {
            "type": "section",
            "fields": [
                mrkdwn(f"*{slack_text(label.capitalize())}*\n{number}")
                for label, number in wording.counts_parts(digest)
            ],
        },
    ]
    for section in compose(digest, markup, cap):
        blocks.append({"type": "divider"})
        blocks += [_section(text) for text in _chunks(section, limits.section_text)]
    blocks.append(
        {
            "type": "context",
            "elements": [mrkdwn(slack_text(wording.rates_line(digest)))],
        }
    )
    return {
        "text": slack_text(wording.summary_line(digest), limits.fallback_text),
        "blocks": blocks,
    }


def _section(text: str) -> Payload:
    return {"type": "section", "text": mrkdwn(text)}


def mrkdwn(text: str) -> Payload:
    """A mrkdwn text object. ``verbatim``: Slack links and mentions only what syncd wrote in its
    own ``<…>`` syntax, never a bare ``@here``, channel name or URL it finds in the text."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _chunks(section: Section, limit: int) -> list[str]:
    """The section's lines in as few texts of at most ``limit`` characters as they fill, split
    only between lines; a group's heading stays with its first item."""
    units: list[str] = []
    for group in section.groups:
        lines = list(group.lines)
        if group.heading is not None and lines:
            lines[0] = f"{group.heading}\n{lines[0]}"
        units += lines
    if section.more is not None:
        units.append(section.more)
    title = f"*{slack_text(section.title)} ({section.total})*"
    chunks: list[str] = []
    current = title
    for unit in units:
        if len(current) + 1 + len(unit) > limit and current:
            chunks.append(current)
            current = unit
        else:
            current = f"{current}\n{unit}" if current else unit
    chunks.append(current)
    return chunks


def fits(payload: Payload, limits: SlackLimits = SlackLimits()) -> bool:
    """Whether a payload keeps to Slack's block limits (also used by the tests)."""
    blocks = payload.get("blocks", [])
    if len(blocks) > limits.max_blocks or len(payload.get("text", "")) > limits.fallback_text:
        return False
    for block in blocks:
        kind = block["type"]
        if kind == "header" and len(block["text"]["text"]) > limits.header_text:
            return False
        if kind == "section":
            if "text" in block and len(block["text"]["text"]) > limits.section_text:
                return False
            fields = block.get("fields", [])
            if len(fields) > limits.max_fields:
                return False
            if any(len(f["text"]) > limits.field_text for f in fields):
                return False
        if kind == "context" and len(block["elements"]) > limits.context_elements:
            return False
    return True
