"""The one markdown parser every part of the extraction shares.

CommonMark plus GFM tables and strikethrough, the dialect postmortems are written in. Built once:
constructing a ``MarkdownIt`` compiles its rule chains, which costs more than parsing a document.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType

from syncd.model import DocumentRejected


class NestedTooDeep(DocumentRejected):
    def __init__(self, line: int, limit: int, line_offset: int = 0) -> None:
        self.line, self.limit = line, limit
        super().__init__(
            f"line {line + line_offset}: lists or quotes nested more than {limit} deep; "
            "markdown stops reading there, so the document was skipped"
        )


@cache
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    _refuse_what_nesting_would_drop(md)
    return md


def _refuse_what_nesting_would_drop(md: MarkdownIt) -> None:
    """markdown-it stops reading (silently, to the end of the enclosing block) where lists and
    quotes nest deeper than ``maxNesting`` (20): every action item after one over-indented line
    would vanish, and be orphaned. Such a document is refused whole instead."""
    tokenize = md.block.tokenize
    limit = md.options.maxNesting

    def checked(state: StateBlock, start: int, end: int) -> None:
        if state.level >= limit and state.skipEmptyLines(start) < end:
            raise NestedTooDeep(state.skipEmptyLines(start) + 1, limit)
        tokenize(state, start, end)

    md.block.tokenize = checked  # type: ignore[method-assign,assignment]


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
