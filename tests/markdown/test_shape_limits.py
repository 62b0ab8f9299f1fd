"""A document with more lines, table cells or action items than any postmortem is refused whole,
naming the line where the limit was crossed; real postmortems with long pasted logs, diffs and
listings, wherever they sit, are read."""

from __future__ import annotations

import pytest
from markdown_it.utils import EnvType

from connectors.markdown import tables
from connectors.markdown.extract import extract_document
from connectors.markdown.files import DocumentText, PathProblem
from connectors.markdown.inline_text import InlineText
from connectors.markdown.parallel import extract_safely
from connectors.markdown.shape_limits import (
    MAX_CELLS,
    MAX_ITEMS,
    MAX_LINES,
    MAX_MARKUP_CHARS,
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
    assert str(refused.value).startswith(
        f"line {first_item_line + MAX_ITEMS}: more than 1,000 action items"
    )


def test_table_rows_without_pipes_count_as_items_too() -> None:
    # GFM reads a row without a "|" as a one-cell row: no pattern over the text sees them.
    rows = "".join(f"Fix thing {n} @bob\n" for n in range(MAX_ITEMS + 1))
    text = HEAD + "| Action | Owner |\n|---|---|\n" + rows
    with pytest.raises(DocumentRejected, match="more than 1,000 action items"):
        extract_document(text, source="s", document="d.md")


def test_more_lines_than_any_postmortem_refuses_the_document() -> None:
    check_shape("text\n" * (MAX_LINES - 1))
    with pytest.raises(DocumentRejected, match=r"^30,001 lines \(syncd reads at most 30,000\)"):
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


def _stopped_at(refused: pytest.ExceptionInfo[DocumentRejected]) -> int:
    return int(str(refused.value).split(":")[0].removeprefix("line "))


@pytest.mark.parametrize(
    ("construct", "stopped_before"),
    [
        ("- a\n", 8_000),  # list items
        ("> - a\n", 8_000),  # quoted list items
        ("## a heading\n", 8_000),
        ("a setext heading\n---\n", 15_000),
        ("[ref]: https://example.com/a/long/path/to/a/page\n", 5_000),  # link definitions
        ("***\n", 16_000),  # rules
        ("s | t\n", 16_000),  # table rows (under a header)
        ("s\n", 16_000),  # table rows without a pipe
    ],
)
def test_a_document_of_tens_of_thousands_of_blocks_is_stopped_early(
    construct: str, stopped_before: int
) -> None:
    """The parser is stopped once it has spent its block budget, long before the end: a
    megabyte of list items, headings or link definitions cost it seconds before any limit on
    the whole document could refuse it."""
    header = "| Step | Time |\n|---|---|\n" if construct.startswith("s") else ""
    text = HEAD + header + construct * (25_000 // construct.count("\n"))
    with pytest.raises(
        DocumentRejected, match=r"^line \d+: more markdown than any postmortem"
    ) as refused:
        extract_document(text, source="s", document="d.md")
    assert _stopped_at(refused) < stopped_before  # the rest was never parsed


def test_a_thousand_items_with_detail_bullets_and_a_long_timeline_are_read() -> None:
    """The budget is far above a real postmortem, even the largest the item limit lets by."""
    timeline = "## Timeline\n\n| Time | Event |\n|---|---|\n" + "| 10:00 | paged |\n" * 1_000
    items = "".join(
        f"- Fix thing {n}\n  - owner: @bob\n  - due: 2026-01-01\n  - see the dashboard\n"
        for n in range(MAX_ITEMS)
    )
    log = "```\n" + "api_1 | GET /pay 502\n" * 6_000 + "```\n"
    text = "# Outage\n\n" + timeline + "\n" + log + "\n## Action items\n\n" + items
    assert len(extract_document(text, source="s", document="d.md").items) == MAX_ITEMS


def test_an_export_is_refused_at_its_first_item_over_the_limit_not_after_reading_it_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered_rows = 0
    render = tables.render_inline_many

    def counting(cells: list[str], env: EnvType) -> list[InlineText]:
        nonlocal rendered_rows
        rendered_rows += 1
        return render(cells, env)

    monkeypatch.setattr(tables, "render_inline_many", counting)
    rows = "".join(f"| Fix thing {n} | @bob |\n" for n in range(5 * MAX_ITEMS))
    text = HEAD + "| Action | Owner |\n|---|---|\n" + rows
    with pytest.raises(DocumentRejected, match=r"^line 1007: more than 1,000 action items"):
        extract_document(text, source="s", document="d.md")
    assert rendered_rows == MAX_ITEMS + 1


def _markup_items(count: int, chars: int) -> str:
    """``count`` list items, each exactly ``chars`` characters of markup only the full inline
    parser reads (single-star emphasis and a bracket)."""
    unit = "*a* ["
    return "".join("- " + (unit * chars)[:chars] + "\n" for _ in range(count))


def test_items_up_to_the_markup_budget_are_read() -> None:
    text = HEAD + _markup_items(MAX_MARKUP_CHARS // 500, 500)
    assert len(extract_document(text, source="s", document="d.md").items) == MAX_MARKUP_CHARS // 500


def test_markup_over_the_budget_refuses_the_document_naming_the_item() -> None:
    text = FRONT + HEAD + _markup_items(MAX_MARKUP_CHARS // 500 + 1, 500)
    with pytest.raises(DocumentRejected) as refused:
        extract_document(text, source="s", document="d.md")
    last_item_line = 3 + 4 + MAX_MARKUP_CHARS // 500 + 1
    assert str(refused.value).startswith(
        f"line {last_item_line}: more than 20,000 characters of inline markup"
    )


@pytest.mark.parametrize(
    "where",
    [
        "- Fix it @bob\n\n{paragraphs}",  # continuation paragraphs of one item
        "| Action | Owner |\n|---|---|\n{rows}",  # table cells
        "- Fix it @bob\n{children}",  # detail bullets under one item
    ],
)
def test_markup_counts_wherever_an_item_reads_it(where: str) -> None:
    chunk = "*a* [b *c d " * 10
    text = HEAD + where.format(
        paragraphs="".join(f"  {chunk}\n\n" for _ in range(MAX_MARKUP_CHARS // 100)),
        rows="".join(f"| {chunk} | @d |\n" for _ in range(MAX_MARKUP_CHARS // 100)),
        children="".join(f"  - {chunk}\n" for _ in range(MAX_MARKUP_CHARS // 100)),
    )
    with pytest.raises(DocumentRejected, match="characters of inline markup"):
        extract_document(text, source="s", document="d.md")


def test_plain_bold_code_and_links_do_not_count_against_the_markup_budget() -> None:
    item = "- Add **alerting** on `queue_depth` for [payments](https://wiki.example/pay) @bob\n"
    count = MAX_MARKUP_CHARS // len(item) * 2
    text = HEAD + item * min(count, MAX_ITEMS)
    assert len(extract_document(text, source="s", document="d.md").items) == min(count, MAX_ITEMS)
