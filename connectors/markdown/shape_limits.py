"""Limits on a document's shape, checked in one linear pass before the parser sees it.

The parser's time grows with the number of lines and blocks: a megabyte of list items, table
rows, headings or reference definitions (tens of thousands of them) takes it seconds, where a
real postmortem has a few hundred such lines at most. Such a document is an export, an index or
an attack; it is refused whole, with the line where a limit was crossed, before any time is
spent on it. Lines inside fenced code (a pasted diff, a YAML listing) are text, not structure,
and do not count.
"""

from __future__ import annotations

import re

from syncd.model import DocumentRejected

MAX_LINES = 50_000
MAX_STRUCTURE_LINES = 5_000  # list items, table rows, headings, reference definitions
MAX_ROW_CELLS = 1_000  # "|" on one line

# From a line's start: a list item (bulleted or numbered, maybe indented or quoted), a heading, a
# reference definition, or any line with a "|" (a table row, with or without its leading pipe).
# Each alternative runs forward from the line's start and stops within the line: linear.
_STRUCTURE = re.compile(
    r"[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)"
    r"|[ ]{0,3}#{1,6}(?:[ \t]|$)"
    r"|[ ]{0,3}\[[^\]]{1,999}\]:"
    r"|[^|]*\|"
)
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")


def check_shape(body: str, *, line_offset: int = 0) -> None:
    """Raise ``DocumentRejected`` when ``body`` has more lines, more structure or wider rows than
    any postmortem; ``line_offset`` is the number of lines before ``body`` (its front matter),
    so that the line named is the file's."""
    lines = body.count("\n") + 1
    if lines > MAX_LINES:
        raise DocumentRejected(
            f"{lines + line_offset:,} lines (syncd reads at most {MAX_LINES:,}); a postmortem "
            "that long is most likely an export or a log: the document was skipped"
        )
    fence: str | None = None  # the opening fence while inside fenced code
    structure = 0
    for number, line in enumerate(body.split("\n"), 1 + line_offset):
        opening = _FENCE.match(line)
        if opening is not None:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is not None:
            continue
        if "|" in line and line.count("|") > MAX_ROW_CELLS:
            raise DocumentRejected(
                f"line {number}: a table row of {line.count('|'):,} cells "
                f"(syncd reads at most {MAX_ROW_CELLS:,}); the document was skipped"
            )
        if _STRUCTURE.match(line) is not None:
            structure += 1
            if structure > MAX_STRUCTURE_LINES:
                raise DocumentRejected(
                    f"line {number}: more than {MAX_STRUCTURE_LINES:,} list items, table rows, "
                    "headings and reference definitions; a postmortem has a few hundred at "
                    "most, so this is most likely an export or an index: the document was "
                    "skipped"
                )
