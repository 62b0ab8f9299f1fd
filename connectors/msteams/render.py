"""The digest for a Microsoft Teams Workflows webhook: a message with one Adaptive Card (1.4).

Owners are mentioned with ``<at>name</at>`` in the text and a matching entry in the card's
``msteams.entities``, only for people whose Teams id (user principal name) is in the people map.
Teams refuses messages over about 28 KB; a digest that would exceed it shows fewer items per
section, each ending "and N more" with a link to the full list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from syncd.connector.digest import (
    ZWSP,
    Digest,
    OwnerRef,
    clean_text,
    compose,
    fit,
    markdown_escape,
    wording,
)

CHANNEL = "teams"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.4"
_USER_PRINCIPAL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_DISPLAY_NAME = re.compile(r"[A-Za-z0-9._-]+")

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class TeamsLimits:
    # Items per section a chat message shows at most: a longer list is not read in chat, the
    # "see all" link shows the rest. None: as many as the channel's size limits allow.
    max_items: int | None = 20
    max_bytes: int = 28_000  # the JSON body, UTF-8


class TeamsMarkup:
    """Adaptive Card markdown; remembers the mentions it wrote, for ``msteams.entities``."""

    def __init__(self) -> None:
        self.entities: dict[str, Payload] = {}

    def text(self, untrusted: str) -> str:
        return teams_text(untrusted)

    def bold(self, markup: str) -> str:
        return f"**{markup}**"

    def link(self, url: str, label: str) -> str:
        return f"[{label}]({url})"

    def mention(self, owner: OwnerRef) -> str | None:
        principal = owner.chat_id(CHANNEL)
        name = owner.person
        if (
            principal is None
            or name is None
            or _USER_PRINCIPAL.fullmatch(principal) is None
            or _DISPLAY_NAME.fullmatch(name) is None
        ):
            return None
        tag = f"<at>{name}</at>"
        self.entities.setdefault(
            tag, {"type": "mention", "text": tag, "mentioned": {"id": principal, "name": name}}
        )
        return tag


def render_teams(digest: Digest, limits: TeamsLimits = TeamsLimits()) -> Payload:
    """The webhook's JSON body."""
    if digest.quiet:
        return _message([_text(teams_text(wording.quiet_line(digest)))], {})
    return fit(lambda cap: _payload(digest, cap), lambda p: fits(p, limits), limits.max_items)


def _payload(digest: Digest, cap: int | None) -> Payload:
    markup = TeamsMarkup()
    body: list[Payload] = [
        _text(teams_text(wording.heading(digest)), size="Large", weight="Bolder"),
        {
            "type": "FactSet",
            "facts": [
                {"title": teams_text(label.capitalize()), "value": str(number)}
                for label, number in wording.counts_parts(digest)
            ],
        },
    ]
    for section in compose(digest, markup, cap):
        title = teams_text(f"{section.title} ({section.total})")
        body.append(_text(title, size="Medium", weight="Bolder", spacing="Large", separator=True))
        for group in section.groups:
            if group.heading is not None:
                body.append(_text(group.heading, spacing="Medium"))
            body += [_text(line, spacing="Small") for line in group.lines]
        if section.more is not None:
            body.append(_text(section.more, spacing="Small", isSubtle=True))
    body.append(_text(teams_text(wording.rates_line(digest)), spacing="Large", isSubtle=True))
    return _message(body, markup.entities)


def _text(text: str, **style: Any) -> Payload:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _message(body: list[Payload], entities: dict[str, Payload]) -> Payload:
    content: Payload = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if entities:
        content["msteams"]["entities"] = list(entities.values())
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": content}],
    }


def fits(payload: Payload, limits: TeamsLimits = TeamsLimits()) -> bool:
    size = len(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return size <= limits.max_bytes


def teams_text(text: str, limit: int | None = None) -> str:
    """Untrusted text for an Adaptive Card TextBlock (a CommonMark subset) in Teams.

    ``<`` gets a zero-width space after it, so no ``<at>`` (a mention) or HTML-like tag comes
    from the text; markdown is backslash-escaped, and a zero-width space also sits between ``]``
    and ``(``, so a renderer that ignores backslashes still sees no ``[text](url)`` link.
    """
    text = clean_text(text, limit)
    text = markdown_escape(text.replace("<", "<" + ZWSP))
    return text.replace("\\](", "\\]" + ZWSP + "(")
