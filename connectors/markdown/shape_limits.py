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

from syncd.model import DocumentRejected

MAX_LINES = 50_000
MAX_ROW_CELLS = 1_000  # "|" on one line
MAX_CELLS = 100_000  # "|" in the whole document
MAX_ITEMS = 1_000  # action items in one document


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


def check_items(count: int, first_line_over: int | None) -> None:
    """Raise ``DocumentRejected`` when a document holds more action items than any postmortem."""
    if count > MAX_ITEMS:
        where = f"line {first_line_over}: " if first_line_over is not None else ""
        raise DocumentRejected(
            f"{where}{count:,} action items (syncd reads at most {MAX_ITEMS:,} a document); a "
            "postmortem has a few dozen, so this is most likely an export or an index: the "
            "document was skipped"
        )
