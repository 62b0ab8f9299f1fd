"""Limits on a document's shape, checked in one linear pass before the parser sees it.

The parser's time grows with the number of blocks: a megabyte of list items or table rows (tens
of thousands of them) takes seconds, where a real postmortem has a few dozen action items and a
few hundred such lines at most. Such a document is an export, an index or an attack; it is
refused whole, with the line where the limit was crossed, before any time is spent on it.
"""

from __future__ import annotations

import re

from syncd.model import DocumentRejected

MAX_ITEM_LINES = 5_000  # list items and table rows in one document
MAX_ROW_CELLS = 1_000  # "|" on one line

# A list item (bulleted or numbered, maybe indented or quoted) or a line with a "|" (a table
# row, with or without its leading pipe). Linear: each alternative runs forward from a line
# start and stops at the line's end.
_ITEM_LINE = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|^[^\n|]*\|", re.MULTILINE)


def check_shape(body: str, *, line_offset: int = 0) -> None:
    """Raise ``DocumentRejected`` when ``body`` has more list items and table rows, or wider
    rows, than any postmortem; ``line_offset`` is the number of lines before ``body`` (its front
    matter), so that the line named is the file's."""
    if body.count("|") > MAX_ROW_CELLS:
        for number, line in enumerate(body.split("\n"), 1):
            if line.count("|") > MAX_ROW_CELLS:
                raise DocumentRejected(
                    f"line {number + line_offset}: a table row of {line.count('|'):,} cells "
                    f"(syncd reads at most {MAX_ROW_CELLS:,}); the document was skipped"
                )
    for count, match in enumerate(_ITEM_LINE.finditer(body), 1):
        if count > MAX_ITEM_LINES:
            number = body.count("\n", 0, match.start()) + 1 + line_offset
            raise DocumentRejected(
                f"line {number}: more than {MAX_ITEM_LINES:,} list items and table rows; a "
                "postmortem has a few hundred at most, so this is most likely an export or an "
                "index: the document was skipped"
            )
