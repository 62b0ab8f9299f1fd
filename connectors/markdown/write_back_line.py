"""The ways one line of a postmortem can name an item's tracker key, and mark it done.

Pure text: given the document's lines (their endings split off) and the item's line, each
function returns the rewritten line, or None when that way does not fit the line. Nothing but
that one line ever changes. Which candidate is taken is decided by
``connectors.markdown.write_back_document``, which re-reads each candidate and keeps the first
that reads back as the same item naming the key.

- In a table with a tracker column (Ticket, Issue, Bug, ...), an empty cell gets the link
  (``[PAY-123](url)``); a cell holding anything else is left alone.
- Otherwise the key goes at the end of the item's text as a group of references,
  `` ([PAY-123](url))``, which the extraction takes out of the title (so the item keeps its
  identity); before a trailing ``<br>``, backslash or two-space break and trailing spaces.
- Done: ``[ ]`` becomes ``[x]`` in a task list; a Status (or Done) column gets the word the
  table's other done rows use. A document with no such mark keeps the item's status as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from connectors.markdown.annotations import is_done_status
from connectors.markdown.columns import Column, classify_header, header_key
from connectors.markdown.labels import strip_markup
from connectors.markdown.tables import is_delimiter_row, split_row

_QUOTE_PREFIX = re.compile(r"^[ \t>]*")
_PIPE = re.compile(r"(?<!\\)\|")
_EMPTY_CELL = frozenset({"", "-", "--", "\u2013", "\u2014"})
_TASK_BOX = re.compile(r"^([ \t]*(?:>[ \t]*)*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[ \]")
_CHECKED_BOX = re.compile(r"^[ \t]*(?:>[ \t]*)*(?:[-*+]|\d{1,9}[.)])[ \t]+\[([xX])\]")
_LINE_BREAK = re.compile(r"(?:<br\s*/?>|\\)?[ \t]*$", re.IGNORECASE)
_DONE_COLUMN_KEYS = frozenset({"done", "completed", "complete"})
_TRUTHY = frozenset({"yes", "y", "x", "[x]", "✓", "✔", "✔️", "✅", "true", "done"})


def link_text(key: str, url: str | None) -> str:
    """The key as a markdown link (its target escaped so that no character ends it early)."""
    if url is None:
        return key
    escaped = "".join(_URL_ESCAPES.get(char, char) for char in url)
    return f"[{key}]({escaped})"


_URL_ESCAPES = {" ": "%20", "(": "%28", ")": "%29", "|": "%7C", "<": "%3C", ">": "%3E"}


@dataclass(frozen=True, slots=True)
class TableRow:
    """A line that is a row of a table, with the table's header and its other rows."""

    columns: dict[Column, int]
    header_keys: list[str]
    siblings: list[str]  # the table's other body rows, as written


def table_row(lines: Sequence[str], index: int) -> TableRow | None:
    """The table the line ``index`` is a body row of, or None (a list item, a paragraph)."""
    if not _PIPE.search(lines[index]):
        return None
    start = index
    while start > 0 and _PIPE.search(lines[start - 1]) and not is_delimiter_row(lines[start - 1]):
        start -= 1
    delimiter = start - 1
    if delimiter < 1 or not is_delimiter_row(lines[delimiter]):
        return None
    header = split_row(lines[delimiter - 1])
    end = index + 1
    while end < len(lines) and _PIPE.search(lines[end]):
        end += 1
    body = list(range(delimiter + 1, end))
    if body and not any(cell.strip() for cell in header):
        # An empty header row with the real headers as the first row (as the reader takes it).
        header = split_row(lines[body[0]])
        body = body[1:]
        if index not in body:
            return None
    return TableRow(
        columns=classify_header(header),
        header_keys=[header_key(cell) for cell in header],
        siblings=[lines[i] for i in body if i != index],
    )


def cell_spans(line: str) -> list[tuple[int, int]]:
    """Where each cell of a table row lies in the line, padding included."""
    start = _QUOTE_PREFIX.match(line).end()  # type: ignore[union-attr]  # matches always
    pipes = [m.start() for m in _PIPE.finditer(line, start)]
    first = start + len(line[start:]) - len(line[start:].lstrip())
    leading = bool(pipes) and pipes[0] == first
    bounds = pipes if leading else [start - 1, *pipes]
    trailing = bool(pipes) and pipes[-1] == len(line.rstrip()) - 1 and len(bounds) > 1
    if not trailing:
        bounds = [*bounds, len(line)]
    return [(a + 1, b) for a, b in pairwise(bounds)]


def _cell(line: str, row: TableRow, column: Column) -> tuple[int, int] | None:
    """Where the row's cell of ``column`` lies in the line; None without that column."""
    index = row.columns.get(column)
    spans = cell_spans(line)
    if index is None or index >= len(spans):
        return None
    return spans[index]


def _set_cell(line: str, span: tuple[int, int], content: str) -> str:
    segment = line[span[0] : span[1]]
    if not segment.strip():
        lead = trail = " "
    else:
        lead = segment[: len(segment) - len(segment.lstrip())] or " "
        trail = segment[len(segment.rstrip()) :] or " "
    return line[: span[0]] + lead + content + trail + line[span[1] :]


def _append_at_end(text: str, addition: str, *, into_group: bool) -> str | None:
    """``text`` with ``addition`` after its last word: before a trailing break and spaces.
    ``into_group``: inside a final ``(...)`` or ``[...]`` group, after a comma."""
    cut = _LINE_BREAK.search(text).start()  # type: ignore[union-attr]  # matches always
    body, tail = text[:cut], text[cut:]
    stripped = body.rstrip()
    if not stripped:
        return None
    spaces = body[len(stripped) :]
    if into_group:
        if stripped[-1] not in ")]":
            return None
        return f"{stripped[:-1]}, {addition}{stripped[-1]}{spaces}{tail}"
    return f"{stripped} ({addition}){spaces}{tail}"


def key_in_cell(line: str, row: TableRow, link: str) -> str | None:
    """The key in the row's empty tracker cell."""
    span = _cell(line, row, Column.TRACKER)
    if span is None:
        return None
    if line[span[0] : span[1]].strip() not in _EMPTY_CELL:
        return None  # a person wrote something there: theirs
    return _set_cell(line, span, link)


def key_after_action(line: str, row: TableRow, link: str, *, into_group: bool) -> str | None:
    """The key at the end of the row's action cell."""
    span = _cell(line, row, Column.ACTION)
    if span is None:
        return None
    start, end = span
    segment = line[start:end]
    content = segment.strip()
    appended = _append_at_end(content, link, into_group=into_group)
    if appended is None:
        return None
    return _set_cell(line, (start, end), appended)


_ITEM_START = re.compile(
    r"^[ \t]*(?:>[ \t]*)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]?\][ \t]+)?)?"
)


def key_at_line_start(line: str, link: str) -> str | None:
    """The key first in the item's text, after its list marker and checkbox: for an item whose
    end holds annotations (a status word, a date) that must stay at the end."""
    start = _ITEM_START.match(line).end()  # type: ignore[union-attr]  # matches always
    if not line[start:].strip():
        return None
    return f"{line[:start]}({link}) {line[start:]}"


def key_before_action(line: str, row: TableRow, link: str) -> str | None:
    """The key first in the row's action cell."""
    span = _cell(line, row, Column.ACTION)
    if span is None:
        return None
    start, end = span
    content = line[start:end].strip()
    if not content:
        return None
    return _set_cell(line, (start, end), f"({link}) {content}")


def key_at_line_end(line: str, link: str, *, into_group: bool) -> str | None:
    """The key at the end of a list item's or paragraph's line."""
    return _append_at_end(line, link, into_group=into_group)


def done_in_task_box(line: str, lines: Sequence[str]) -> str | None:
    """``[ ]`` checked, with the letter the document's checked boxes use."""
    if not _TASK_BOX.match(line):
        return None
    letters = Counter(m.group(1) for other in lines if (m := _CHECKED_BOX.match(other)))
    letter = letters.most_common(1)[0][0] if letters else "x"
    return _TASK_BOX.sub(lambda m: f"{m.group(1)}[{letter}]", line, count=1)


def done_in_status_cell(line: str, row: TableRow) -> str | None:
    """The row's Status (or Done) cell saying done, in the words of the table's done rows."""
    index = row.columns.get(Column.STATUS)
    spans = cell_spans(line)
    if index is None or index >= len(spans):
        return None
    yes_no = row.header_keys[index] in _DONE_COLUMN_KEYS
    written: Counter[str] = Counter()
    for sibling in row.siblings:
        cells = split_row(sibling)
        if index < len(cells):
            text = cells[index].strip()
            plain = strip_markup(text).strip()
            if plain and (is_done_status(plain) or (yes_no and plain.lower() in _TRUTHY)):
                written[text] += 1
    word = written.most_common(1)[0][0] if written else ("yes" if yes_no else "Done")
    return _set_cell(line, spans[index], word)
