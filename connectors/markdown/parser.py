"""The one markdown parser every part of the extraction shares.

CommonMark plus GFM tables and strikethrough, the dialect postmortems are written in. Built once:
constructing a ``MarkdownIt`` compiles its rule chains, which costs more than parsing a document.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType


@cache
def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def normalise_source(text: str) -> str:
    """What markdown-it's core ``normalize`` rule does, which block-only parsing skips."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in text:
        text = text.replace("\0", "\ufffd")
    return text


def parse_blocks(src: str, env: EnvType) -> list[Token]:
    """Block structure only; inline content stays raw in each ``inline`` token's ``content``.

    Inline parsing costs more than block parsing, and only the few blocks that become action
    items need it (see ``inline_text.render_inline``). ``env`` collects reference definitions,
    so reference-style links in items resolve later.
    """
    md = markdown()
    tokens: list[Token] = []
    if src:
        md.block.parse(src, md, env, tokens)
    return tokens
