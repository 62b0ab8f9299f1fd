"""A document with more lines, table cells or action items than any postmortem is refused whole,
naming the line where the limit was crossed; real postmortems with long pasted logs, diffs and
listings, wherever they sit, are read."""

from __future__ import annotations

import pytest

from connectors.markdown.extract import extract_document
from connectors.markdown.files import DocumentText, PathProblem
from connectors.markdown.parallel import extract_safely
from connectors.markdown.shape_limits import (
    MAX_CELLS,
    MAX_ITEMS,
    MAX_LINES,
    MAX_ROW_CELLS,
    check_shape,
)
from syncd.model import DocumentRejected

HEAD = "# Outage\n\n## Action items\n\n"  # four lines before the first item
FRONT = "---\ntitle: Outage\n---\n"  # three more


def task(n: int) -> str:
    return f"- [ ] Fix thing {n} (owner: @bob, due: 2026-01-01)\n"


def test_as_many_items_as_the_limit_are_all_read() -> None:
    text = HEAD + "".join(task(n) for n in range(MAX_ITEMS))
    assert len(extract_document(text, source="s", document="d.md").items) == MAX_ITEMS


def test_one_more_item_refuses_the_document_naming_its_line_in_the_file() -> None:
    text = FRONT + HEAD + "".join(task(n) for n in range(MAX_ITEMS + 1))
    with pytest.raises(DocumentRejected) as refused:
        extract_document(text, source="s", document="d.md")
    first_item_line = 3 + 4 + 1
    assert str(refused.value).startswith(f"line {first_item_line + MAX_ITEMS}: 1,001 action items")


def test_table_rows_without_pipes_count_as_items_too() -> None:
    # GFM reads a row without a "|" as a one-cell row: no pattern over the text sees them.
    rows = "".join(f"Fix thing {n} @bob\n" for n in range(MAX_ITEMS + 1))
    text = HEAD + "| Action | Owner |\n|---|---|\n" + rows
    with pytest.raises(DocumentRejected, match="1,001 action items"):
        extract_document(text, source="s", document="d.md")


def test_more_lines_than_any_postmortem_refuses_the_document() -> None:
    check_shape("text\n" * (MAX_LINES - 1))
    with pytest.raises(DocumentRejected, match=r"^50,001 lines \(syncd reads at most 50,000\)"):
        check_shape("text\n" * MAX_LINES)


def test_a_row_wider_than_the_limit_is_refused_with_its_line() -> None:
    row = "|" + " c |" * MAX_ROW_CELLS
    text = HEAD + "| Action | Owner |\n|---|---|\n" + row + "\n"
    with pytest.raises(DocumentRejected, match=r"^line 7: a table row of 1,001 cells"):
        extract_document(text, source="s", document="d.md")
    check_shape("|" + " c |" * (MAX_ROW_CELLS - 1))


def test_more_cells_in_the_document_than_the_limit_is_refused() -> None:
    # Rows of 200 empty cells: within the row limit, a gigabyte of parser memory at a megabyte.
    row = "|" * 201 + "\n"
    with pytest.raises(DocumentRejected, match="table cells"):
        check_shape(row * (MAX_CELLS // 200 + 1))
    check_shape(row * (MAX_CELLS // 201))


@pytest.mark.parametrize(
    "where",
    [
        "```\n{log}```\n",  # a top-level fence
        "- Timeline:\n\n    ```\n{log}    ```\n",  # a fence under a nested bullet
        "> ```\n{quoted}> ```\n",  # a fence inside a quote
        "<details><pre>\n{log}</pre></details>\n",  # raw HTML
        "\n{indented}\n",  # indented code
    ],
)
def test_a_postmortem_with_6000_lines_of_pasted_logs_anywhere_is_read(where: str) -> None:
    lines = [
        f"api_1  | 2026-11-02T10:{n % 60:02d}:00Z GET /pay 502 upstream\n" for n in range(6000)
    ]
    pasted = where.format(
        log="".join(lines),
        quoted="".join("> " + line for line in lines),
        indented="".join("    " + line for line in lines),
    )
    text = "# Outage\n\n## Timeline\n\n" + pasted + "\n## Action items\n\n" + task(1) + task(2)
    extracted = extract_document(text, source="s", document="d.md")
    assert [item.line for item in extracted.items]  # read, not refused


def test_the_source_reports_the_refused_document_and_its_reason() -> None:
    text = HEAD + "".join(task(n) for n in range(MAX_ITEMS + 1))
    result = extract_safely(DocumentText("big.md", text), "s", extract_document)
    assert isinstance(result, PathProblem)
    assert result.document == "big.md" and "export or an index" in result.error


@pytest.mark.parametrize("marker", ["- ", "> ", "1. "])
def test_nesting_the_parser_would_stop_at_refuses_the_document_instead_of_dropping_items(
    marker: str,
) -> None:
    """markdown-it stops reading past 20 levels of lists or quotes: every item after one
    over-indented line vanished without a word (and would have been orphaned)."""
    deep = FRONT + "# t\n\n" + marker * 25 + "a\n\n## Action items\n\n" + task(1)
    with pytest.raises(DocumentRejected, match=r"^line 6: lists or quotes nested more than 20"):
        extract_document(deep, source="s", document="d.md")
    shallow = "# t\n\n" + marker * 5 + "a\n\n## Action items\n\n" + task(1)
    assert len(extract_document(shallow, source="s", document="d.md").items) == 1


def test_a_document_of_tens_of_thousands_of_list_items_is_stopped_early() -> None:
    """The parser is stopped once it has made its block budget, long before the end: a
    megabyte of list items cost it seconds before the item limit could refuse it."""
    text = HEAD + "- a\n" * 30_000
    with pytest.raises(DocumentRejected, match=r"^line \d+: more than 50,000 blocks") as refused:
        extract_document(text, source="s", document="d.md")
    stopped_at = int(str(refused.value).split(":")[0].removeprefix("line "))
    assert stopped_at < 15_000  # about 10,000 items in: the rest was never parsed
