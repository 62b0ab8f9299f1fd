"""A document with more list items and table rows, or wider rows, than any postmortem is refused
whole before the parser spends seconds on it, naming the line where the limit was crossed."""

from __future__ import annotations

import pytest

from connectors.markdown.extract import extract_document
from connectors.markdown.files import DocumentText, PathProblem
from connectors.markdown.parallel import extract_safely
from connectors.markdown.shape_limits import MAX_ITEM_LINES, MAX_ROW_CELLS, check_shape
from syncd.model import DocumentRejected

HEAD = "# Outage\n\n## Action items\n\n"  # four lines before the first item
FRONT = "---\ntitle: Outage\n---\n"  # three more


def task(n: int) -> str:
    return f"- [ ] Fix thing {n} (owner: @bob, due: 2026-01-01)\n"


def test_as_many_items_as_the_limit_are_all_read() -> None:
    text = HEAD + "".join(task(n) for n in range(MAX_ITEM_LINES))
    extracted = extract_document(text, source="s", document="d.md")
    assert len(extracted.items) == MAX_ITEM_LINES


def test_one_more_refuses_the_document_naming_the_line_in_the_file() -> None:
    text = FRONT + HEAD + "".join(task(n) for n in range(MAX_ITEM_LINES + 1))
    with pytest.raises(DocumentRejected) as refused:
        extract_document(text, source="s", document="d.md")
    first_item_line = 3 + 4 + 1
    assert str(refused.value).startswith(f"line {first_item_line + MAX_ITEM_LINES}: more than")
    assert f"{MAX_ITEM_LINES:,}" in str(refused.value)


@pytest.mark.parametrize(
    "line",
    [
        "| Fix it | @bob |\n",  # a table row
        "Fix it | @bob\n",  # a row without its leading pipe
        "  * nested item\n",
        "> > - quoted item\n",
        "12. numbered item\n",
        "3) numbered the other way\n",
        "+ plus item\n",
    ],
)
def test_every_kind_of_item_line_counts(line: str) -> None:
    with pytest.raises(DocumentRejected):
        check_shape(line * (MAX_ITEM_LINES + 1))
    check_shape(line * MAX_ITEM_LINES)


def test_prose_paragraphs_and_headings_do_not_count() -> None:
    check_shape("Some prose - with a dash, and 3.5 numbers.\n\n## A heading\n" * MAX_ITEM_LINES)
    check_shape("-not a list\n*emphasis* too\n2026-01-01 is a date\n" * MAX_ITEM_LINES)


def test_a_row_wider_than_the_limit_is_refused_with_its_line() -> None:
    row = "|" + " c |" * MAX_ROW_CELLS
    text = HEAD + "| Action | Owner |\n|---|---|\n" + row + "\n"
    with pytest.raises(DocumentRejected, match=r"^line 7: a table row of 1,001 cells"):
        extract_document(text, source="s", document="d.md")
    check_shape("|" + " c |" * (MAX_ROW_CELLS - 1))


def test_the_source_reports_the_refused_document_and_its_reason() -> None:
    text = HEAD + "".join(task(n) for n in range(MAX_ITEM_LINES + 1))
    result = extract_safely(DocumentText("big.md", text), "s", extract_document)
    assert isinstance(result, PathProblem)
    assert result.document == "big.md" and "export or an index" in result.error
