"""Helpers for the digest tests: the realistic team's digest, and payload walkers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from syncd.digest import Digest, build_digest
from tests.digest.team_fixture import (
    CHAT_IDS,
    LAST_DIGEST,
    LINK_BASE,
    NOW,
    POLICY,
    POSTMORTEMS,
    team_items,
)


def team_digest() -> Digest:
    return build_digest(
        "payments", team_items(), POSTMORTEMS, POLICY, NOW, LAST_DIGEST, LINK_BASE, CHAT_IDS
    )


def strings(payload: Any, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every string value in a JSON payload (keys in ``skip`` are not entered)."""
    if isinstance(payload, str):
        yield payload
    elif isinstance(payload, dict):
        for key, value in payload.items():
            if key not in skip:
                yield from strings(value, skip)
    elif isinstance(payload, list):
        for value in payload:
            yield from strings(value, skip)


def markdown_links(text: str) -> list[tuple[str, str]]:
    """``[label](url)`` links as a CommonMark renderer finds them: backslash escapes honoured."""
    links: list[tuple[str, str]] = []
    i = 0
    opened: list[int] = []
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            opened.append(i)
        elif ch == "]" and opened:
            start = opened.pop()
            if text.startswith("(", i + 1):
                end = text.find(")", i + 2)
                if end != -1:
                    links.append((text[start + 1 : i], text[i + 2 : end]))
        i += 1
    return links
