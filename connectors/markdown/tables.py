"""Action tables: one row, one item; columns found by the meaning of their header.

Tables come from markdown-it's table rule, or, when the header and delimiter rows disagree
(markdown-it then sees only a paragraph of pipes), from that paragraph read leniently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from markdown_it.token import Token

from connectors.markdown.annotations import is_done_status, tidy
from connectors.markdown.columns import Column, classify_header, header_key
from connectors.markdown.context import ExtractionContext
from connectors.markdown.inline_text import (
    MAX_ITEM_CHARS,
    InlineText,
    render_inline,
    render_inline_many,
)
from connectors.markdown.item_text import read_item_text
from connectors.markdown.placeholders import is_placeholder
from connectors.markdown.refs import find_refs, ordered_refs
from syncd.connector.model import RawItem

# Possessive runs: with greedy ones, a long run of spaces in a line that is not a delimiter
# row is split every way between neighbouring "\s*" before failing (quadratic time).
_DELIMITER_ROW = re.compile(r"\s*+\|?\s*+:?-++:?\s*+(?:\|\s*+:?-++:?\s*+)*+\|?\s*+")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_QUOTE_PREFIX = re.compile(r"^[\s>]*")
_BOLD_STATUS = re.compile(
    r"(?:\*\*|__)\s*(done|todo|to do|wip|in progress|completed?|fixed|closed|blocked|open"
    r"|not started|resolved)\s*(?:\*\*|__)",
    re.IGNORECASE,
)
_CAPS_STATUS = re.compile(r"(?<![\w-])(DONE|TODO|WIP|FIXED|CLOSED|BLOCKED)(?![\w-])")
_EMPTY_VALUES = frozenset({"", "-", "--", "\u2013", "\u2014"})
_TRUTHY = frozenset({"yes", "y", "x", "[x]", "✓", "✔", "✔️", "✅", "true", "done"})
_DONE_COLUMNS = frozenset({"done", "completed", "complete"})
# Columns whose cells cannot hold a tracker reference worth reading ("#" numbers rows).
_INDEX_HEADERS = frozenset({"", "no", "nr", "number", "id", "n"})


@dataclass(slots=True)
class TableRows:
    header: list[str]  # raw markdown of each header cell
    header_line: int  # 0-based line in the parsed body
    rows: list[tuple[int, list[str], int]] = field(default_factory=list)  # line, cells, written
    lenient: str | None = None  # why this table had to be read leniently


def is_delimiter_row(line: str) -> bool:
    """The row under a table's header (``|---|:---:|``), quoted or not; with a pipe, so that
    a thematic break (``---``) is not one."""
    text = _QUOTE_PREFIX.sub("", line)
    return "|" in text and _DELIMITER_ROW.fullmatch(text) is not None


def split_row(line: str) -> list[str]:
    """A table row's cells as markdown; a leading and a trailing pipe are optional."""
    text = _QUOTE_PREFIX.sub("", line).strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(text)]


def table_from_tokens(tokens: list[Token], start: int, ctx: ExtractionContext) -> TableRows:
    opening = tokens[start].map
    table = TableRows(header=[], header_line=opening[0] if opening else 0)
    n = len(tokens)
    i = start + 1
    in_head = False
    row: list[str] | None = None
    row_line = 0
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "table_close":
            break
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
            row_line = tok.map[0] if tok.map else row_line + 1
        elif kind == "inline" and row is not None:
            row.append(tok.content)
        elif kind == "tr_close" and row is not None:
            if in_head:
                table.header = row
                table.header_line = row_line
            else:
                # markdown-it drops cells beyond the header's count; the source line has them.
                written = len(split_row(ctx.source_line(row_line)))
                table.rows.append((row_line, row, written))
            row = None
        i += 1
    return table


def table_from_paragraph(content: str, first_line: int) -> TableRows | None:
    """A paragraph that is a table markdown-it refused (header and delimiter rows disagree)."""
    lines = content.split("\n")
    for d in range(1, len(lines)):
        if "|" in lines[d - 1] and _DELIMITER_ROW.fullmatch(lines[d]) and "|" in lines[d]:
            header = split_row(lines[d - 1])
            delimiter_cells = len(split_row(lines[d]))
            rows = []
            for k in range(d + 1, len(lines)):
                if "|" in lines[k]:
                    cells = split_row(lines[k])
                    rows.append((first_line + k, cells, len(cells)))
            return TableRows(
                header=header,
                header_line=first_line + d - 1,
                rows=rows,
                lenient=(
                    f"malformed table: the header row has {len(header)} cells but the "
                    f"delimiter row below it has {delimiter_cells}; read it leniently "
                    "(make both rows the same width)"
                ),
            )
    return None


def read_table(
    table: TableRows,
    *,
    section: str,
    in_action: bool,
    ctx: ExtractionContext,
    status: str | None = None,
) -> None:
    """The rows of an action table as items; ``status`` is what the section's heading says of
    its items ("Done"), for rows that say nothing of their own."""
    header, header_line, rows = table.header, table.header_line, table.rows
    if rows and not any(cell.strip() for cell in header):
        # An empty header row with the real headers as a (bold) first row.
        header_line, header, _ = rows[0]
        rows = rows[1:]
    columns = classify_header(header)
    if Column.ACTION not in columns:
        if in_action and any(cell.strip() for cell in header):
            names = ", ".join(tidy(render_inline(c, ctx.env).text) or "(empty)" for c in header)
            ctx.problem(
                header_line,
                f'the table in section "{section}" has no action column (columns: {names}); '
                'its rows were not read. Name the column with the action e.g. "Action Item"',
            )
        ctx.skipped(header_line, "table", section, "no column of its header names the action")
        return
    if not in_action and Column.OWNER not in columns:
        ctx.skipped(
            header_line,
            "table",
            section,
            "not in an action section, and no owner column beside its action column",
        )
        return
    if table.lenient:
        ctx.problem(header_line, table.lenient)
    for line, _, written in rows:
        if written > len(header):
            ctx.problem(
                line,
                f"table row has {written} cells but the header has {len(header)}; "
                "the extra cells were ignored",
            )
            break
    keys = [header_key(cell) for cell in header]
    rule = "table row in an action section" if in_action else "table with action and owner columns"
    for line, cells, _ in rows:
        if repeats_header(cells, keys):
            ctx.skipped(line, "table row", section, "it repeats the header's words (a template)")
            continue
        _row_item(cells, columns, keys, line, section, ctx, (rule, status))


def _row_item(
    cells: list[str],
    columns: dict[Column, int],
    keys: list[str],
    line: int,
    section: str,
    ctx: ExtractionContext,
    taken: tuple[str, str | None],
) -> None:
    """``taken``: the rule reading the table, and the status its heading gives the rows."""
    rule, section_status = taken
    cells = (cells + [""] * len(keys))[: len(keys)]
    action_index = columns[Column.ACTION]
    if not cells[action_index].strip():
        return
    ctx.reading_line = line
    rendered = render_inline_many(cells, ctx.env)

    def value(column: Column) -> str | None:
        index = columns.get(column)
        if index is None:
            return None
        text = tidy(rendered[index].text, removed=False)
        return None if text in _EMPTY_VALUES else text

    action = read_item_text(cells[action_index], ctx.env, rendered[action_index])
    if not action.title or is_placeholder(action.title, action.raw):
        ctx.skipped(line, "table row", section, "a template placeholder or filler")
        return
    ctx.report_long_item(line, action.raw, MAX_ITEM_CHARS)
    found = action.annotations

    status = value(Column.STATUS)
    if status is not None:
        done = is_done_status(status) or (
            keys[columns[Column.STATUS]] in _DONE_COLUMNS and status.lower() in _TRUTHY
        )
    elif (status := _status_in_cells(cells, columns)) is not None:
        done = is_done_status(status)
    else:
        status, done = action.status, action.done
    if status is None and section_status is not None:
        status, done = section_status, is_done_status(section_status)

    ctx.add_item(
        RawItem(
            title=action.title,
            section=section,
            line=ctx.line(line),
            detail=value(Column.DETAIL) or action.detail,
            owner_text=value(Column.OWNER) or found.owner,
            due_text=value(Column.DUE) or found.due,
            priority_text=value(Column.PRIORITY) or found.priority,
            type_text=value(Column.TYPE) or found.type,
            status_text=status,
            done=done,
            tracker_refs=ordered_refs(
                _row_refs(rendered, columns, keys, action_index, action.refs)
            ),
        ),
        rule,
    )


def repeats_header(cells: list[str], keys: list[str]) -> bool:
    """A row that only repeats its header ("Action | Owner | Due"): a template's example."""
    written = [header_key(cell) for cell in cells]
    filled = [(w, k) for w, k in zip(written, keys, strict=False) if w]
    return bool(filled) and all(w == k for w, k in filled)


def _row_refs(
    rendered: list[InlineText],
    columns: dict[Column, int],
    keys: list[str],
    action_index: int,
    action_refs: Iterable[tuple[int, str]],
) -> list[Iterable[tuple[int, str]]]:
    """The references of each cell, in column order; none from the owner, due, priority, type
    and index columns."""
    no_refs = {columns.get(c) for c in (Column.OWNER, Column.DUE, Column.PRIORITY, Column.TYPE)}
    refs: list[Iterable[tuple[int, str]]] = []
    for index, text in enumerate(rendered):
        if index == action_index:
            refs.append(action_refs)
        elif index not in no_refs and keys[index] not in _INDEX_HEADERS and text.text:
            refs.append(find_refs(text.text, text.links))
    return refs


def _status_in_cells(cells: list[str], columns: dict[Column, int]) -> str | None:
    """A status written inside another cell, as in the SRE book's "Bug 5554823 **TODO**"."""
    skip = {columns.get(Column.ACTION), columns.get(Column.OWNER)}
    for index, cell in enumerate(cells):
        if index in skip or not cell:
            continue
        m = _BOLD_STATUS.search(cell) or _CAPS_STATUS.search(cell)
        if m:
            return m.group(1)
    return None
