"""Limits on a document's size in lines, table cells and items, far above any postmortem.

Before the parser: the number of lines and of table-cell separators (``|``), counted at C
speed, which no markup can hide (a row without pipes, a fence the parser reads otherwise). A
megabyte of tens of thousands of short lines, or a million table cells, costs the parser
seconds and a gigabyte of memory. After it: the number of action items, so that a document
that is an export or an index (a table of every incident's actions) never turns into thousands
of issues. Each refuses the document whole (reported and skipped, its items kept as they were),
naming the line where the limit was crossed.

No count of lists or tables by pattern: a pattern that reads markdown differently from the
parser refuses real postmortems (a log pasted in a fence under a bullet) and lets others by.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from syncd.connector.model import DocumentRejected

MAX_LINES = 30_000
MAX_ROW_CELLS = 1_000  # "|" on one line
MAX_CELLS = 30_000  # "|" in the whole document: the table rule makes 3 tokens a cell
MAX_ITEMS = 1_000  # action items in one document
# Characters of item text that need the full inline parser (emphasis other than a plain
# **bold** span, brackets that are not a plain link, HTML, escapes) in one document. That parser
# is pure Python, up to 1.8 s per 100 KB of dense brackets, so a document of a thousand items
# each a page of "*a* " would take seconds; a postmortem has a few thousand such characters.
MAX_MARKUP_CHARS = 20_000
_MARKUP_SPENT = "syncd.markup_chars"  # key in the parser's per-document ``env``


class MarkupBudgetSpent(DocumentRejected):
    """The document's item text holds more inline markup than ``MAX_MARKUP_CHARS``; the walker
    names the line of the block where it was crossed."""

    def __init__(self) -> None:
        super().__init__(
            f"more than {MAX_MARKUP_CHARS:,} characters of inline markup (emphasis, brackets, "
            "HTML) in action items; a postmortem has a few thousand, so this is most likely "
            "generated text: the document was skipped"
        )


def spend_markup(env: MutableMapping[str, Any], chars: int) -> None:
    """Count ``chars`` about to be parsed inline against the document's budget (kept in the
    parser's per-document ``env``); raise ``MarkupBudgetSpent`` once it is over."""
    spent = env.get(_MARKUP_SPENT, 0) + chars
    env[_MARKUP_SPENT] = spent
    if spent > MAX_MARKUP_CHARS:
        raise MarkupBudgetSpent()


def check_shape(body: str, *, line_offset: int = 0) -> None:
    """Raise ``DocumentRejected`` when ``body`` has more lines or table cells than any
    postmortem; ``line_offset`` is the number of lines before ``body`` (its front matter), so
    that the line named is the file's."""
    lines = body.count("\n") + 1
    if lines > MAX_LINES:
        raise DocumentRejected(
            f"{lines + line_offset:,} lines (syncd reads at most {MAX_LINES:,}); a postmortem "
            "that long is most likely an export or a log: the document was skipped"
        )
    cells = body.count("|")
    if cells > MAX_CELLS:
        raise DocumentRejected(
            f"{cells:,} table cells ('|'; syncd reads at most {MAX_CELLS:,}); the document "
            "was skipped"
        )
    if cells > MAX_ROW_CELLS:
        for number, line in enumerate(body.split("\n"), 1 + line_offset):
            if line.count("|") > MAX_ROW_CELLS:
                raise DocumentRejected(
                    f"line {number}: a table row of {line.count('|'):,} cells "
                    f"(syncd reads at most {MAX_ROW_CELLS:,}); the document was skipped"
                )


def check_items(count: int, line: int) -> None:
    """Raise ``DocumentRejected`` when the ``count``-th action item, on ``line``, is one more
    than any postmortem holds."""
    if count > MAX_ITEMS:
        raise DocumentRejected(
            f"line {line}: more than {MAX_ITEMS:,} action items (syncd reads at most "
            f"{MAX_ITEMS:,} a document); a postmortem has a few dozen, so this is most likely "
            "an export or an index: the document was skipped"
        )
