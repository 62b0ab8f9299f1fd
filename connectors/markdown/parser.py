"""The one markdown parser every part of the extraction shares.

CommonMark plus GFM tables and strikethrough, the dialect postmortems are written in. Built once:
constructing a ``MarkdownIt`` compiles its rule chains, which costs more than parsing a document.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.parser_block import RuleFuncBlockType
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType

from syncd.connector.model import DocumentRejected

# The parser's work on a document's blocks, in units of about 10 microseconds on a small
# machine: a line of a paragraph, a list item or quote part (4), a rule (2), a table row (about
# 4), a heading (5), a link reference definition (10, and 1 per 10 characters). 30,000 is
# about a third of a second: 6,000 list items or 30,000 lines of prose; a postmortem spends a
# few thousand. Fenced, indented and HTML blocks cost one unit whatever their length: the
# parser skips through their lines, so pasted logs are never what stops a document.
MAX_BLOCK_UNITS = 30_000
_SPENT = "syncd.block_units"  # key in the parser's per-document ``env``
_HEADING_UNITS = 4
_NESTED_PARSE_UNITS = 4


class ParseRefused(DocumentRejected):
    """The block parse was stopped at ``line`` (of the text parsed) for ``reason``."""

    def __init__(self, line: int, reason: str, line_offset: int = 0) -> None:
        self.line, self.reason = line, reason
        super().__init__(f"line {line + line_offset}: {reason}; the document was skipped")


@cache
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    _checked_block_parses(md)
    return md


def _checked_block_parses(md: MarkdownIt) -> None:
    """Every block rule is priced as it succeeds, and every list item and quote is checked as
    its nested parse starts; at no cost worth measuring:

    - markdown-it stops reading (silently, to the end of the enclosing block) where lists and
      quotes nest deeper than ``maxNesting`` (20): every action item after one over-indented
      line would vanish, and be orphaned. Such a document is refused instead.
    - A document of tens of thousands of list items, table rows, headings or reference
      definitions costs the parser seconds: it is stopped once it has spent
      ``MAX_BLOCK_UNITS``, long before its end (a table is priced at its largest before it is
      parsed).
    """
    tokenize = md.block.tokenize
    limit = md.options.maxNesting

    def checked(state: StateBlock, start: int, end: int) -> None:
        if state.level >= limit and state.skipEmptyLines(start) < end:
            raise ParseRefused(
                state.skipEmptyLines(start) + 1,
                f"lists or quotes nested more than {limit} deep (markdown stops reading there)",
            )
        if state.level:  # a list item's or quote's content, not the document itself
            _spend(state, _NESTED_PARSE_UNITS, start)
        tokenize(state, start, end)

    md.block.tokenize = checked  # type: ignore[method-assign,assignment]
    for rule in list(md.block.ruler.__rules__):
        md.block.ruler.at(rule.name, _priced(rule.name, rule.fn), {"alt": rule.alt})


def _priced(name: str, rule: RuleFuncBlockType) -> RuleFuncBlockType:
    def priced(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent:  # a paragraph asking whether this line ends it: priced as its line
            return rule(state, start, end, silent)
        if name == "table" and rule(state, start, end, True):
            # One table is one call of its rule: priced before it runs, or a table of 30,000
            # one-word rows would be parsed whole (a second) before it could be refused.
            _spend(state, _table_units(state, start, end), start, commit=False)
        made = len(state.tokens)
        found = rule(state, start, end, silent)
        if found:
            _spend(state, _units(name, state, start, made), start)
        return found

    return priced


def _units(name: str, state: StateBlock, start: int, made: int) -> int:
    lines = state.line - start
    if name == "paragraph":  # each line is asked whether any other block starts there
        return lines
    if name in ("heading", "lheading"):  # and the label read as a section name
        return lines + _HEADING_UNITS
    if name == "table":  # 3 tokens a cell: about 4 units a row of a few cells
        return (len(state.tokens) - made) // 2
    if name == "reference":  # URL parsing and normalising, by the character
        return 10 + (state.bMarks[state.line] - state.bMarks[start]) // 10
    if name == "hr":
        return 2
    return 1


def _table_units(state: StateBlock, start: int, end: int) -> int:
    """The most a table starting at ``start`` can cost: every row has the delimiter row's
    number of cells, and the rows go on to the next blank line at the latest."""
    delimiter = state.src[
        state.bMarks[start + 1] + state.tShift[start + 1] : state.eMarks[start + 1]
    ]
    columns = len(delimiter.strip().strip("|").split("|"))
    last = start + 2
    while last < end and not state.isEmpty(last):
        last += 1
    return (last - start) * (2 + 3 * columns) // 2


def _spend(state: StateBlock, units: int, line: int, *, commit: bool = True) -> None:
    spent = state.env.get(_SPENT, 0) + units
    if commit:
        state.env[_SPENT] = spent
    if spent > MAX_BLOCK_UNITS:
        raise ParseRefused(
            line + 1,
            "more markdown than any postmortem (lines of prose, list items, table rows, "
            f"headings, link definitions: over {MAX_BLOCK_UNITS:,} units of the parser's work "
            "so far); this is most likely an export",
        )


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
