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

# Blocks (list items, quote and paragraph parts: tokens) the parser may make before it is
# stopped: about 10,000 list items, a fraction of a second; a postmortem makes a few thousand.
MAX_BLOCK_TOKENS = 50_000


class ParseRefused(DocumentRejected):
    """The block parse was stopped at ``line`` (of the text parsed) for ``reason``."""

    def __init__(self, line: int, reason: str, line_offset: int = 0) -> None:
        self.line, self.reason = line, reason
        super().__init__(f"line {line + line_offset}: {reason}; the document was skipped")


@cache
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    _checked_nested_parses(md)
    return md


def _checked_nested_parses(md: MarkdownIt) -> None:
    """Every list item and quote is parsed by a nested call of the block tokenizer; checked
    there, at no cost worth measuring:

    - markdown-it stops reading (silently, to the end of the enclosing block) where lists and
      quotes nest deeper than ``maxNesting`` (20): every action item after one over-indented
      line would vanish, and be orphaned. Such a document is refused instead.
    - A document of tens of thousands of list items costs the parser seconds: it is stopped
      once it has made ``MAX_BLOCK_TOKENS``, long before its end.
    """
    tokenize = md.block.tokenize
    limit = md.options.maxNesting

    def checked(state: StateBlock, start: int, end: int) -> None:
        if state.level >= limit and state.skipEmptyLines(start) < end:
            raise ParseRefused(
                state.skipEmptyLines(start) + 1,
                f"lists or quotes nested more than {limit} deep (markdown stops reading there)",
            )
        if len(state.tokens) > MAX_BLOCK_TOKENS:
            raise ParseRefused(
                start + 1,
                f"more than {MAX_BLOCK_TOKENS:,} blocks (list items, paragraphs, quotes) read so "
                "far; a postmortem makes a few thousand, so this is most likely an export",
            )
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
