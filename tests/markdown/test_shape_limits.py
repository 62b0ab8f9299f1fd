"""A document with more lines, list items, table rows, headings or reference definitions, or
wider rows, than any postmortem is refused whole before the parser spends seconds on it, naming
the line where the limit was crossed."""

from __future__ import annotations

import pytest

from connectors.markdown.extract import extract_document
from connectors.markdown.files import DocumentText, PathProblem
from connectors.markdown.parallel import extract_safely
from connectors.markdown.shape_limits import (
    MAX_LINES,
    MAX_ROW_CELLS,
    MAX_STRUCTURE_LINES,
    check_shape,
)
from syncd.model import DocumentRejected

HEAD = "# Outage\n\n## Action items\n\n"  # four lines, two of them headings, which count too
ITEMS = MAX_STRUCTURE_LINES - 2  # with the headings, as many as the limit
FRONT = "---\ntitle: Outage\n---\n"  # three more


def task(n: int) -> str:
    return f"- [ ] Fix thing {n} (owner: @bob, due: 2026-01-01)\n"


def test_as_many_items_as_the_limit_are_all_read() -> None:
    text = HEAD + "".join(task(n) for n in range(ITEMS))
    extracted = extract_document(text, source="s", document="d.md")
    assert len(extracted.items) == ITEMS


def test_one_more_refuses_the_document_naming_the_line_in_the_file() -> None:
    text = FRONT + HEAD + "".join(task(n) for n in range(ITEMS + 1))
    with pytest.raises(DocumentRejected) as refused:
        extract_document(text, source="s", document="d.md")
    first_item_line = 3 + 4 + 1
    assert str(refused.value).startswith(f"line {first_item_line + ITEMS}: more than")
    assert f"{MAX_STRUCTURE_LINES:,}" in str(refused.value)


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
        "## A heading\n",
        "[a]: https://x.io/a\n",
    ],
)
def test_every_kind_of_item_line_counts(line: str) -> None:
    with pytest.raises(DocumentRejected):
        check_shape(line * (MAX_STRUCTURE_LINES + 1))
    check_shape(line * MAX_STRUCTURE_LINES)


def test_prose_paragraphs_and_headings_do_not_count() -> None:
    check_shape(
        "Some prose - with a dash, and 3.5 numbers.\n\n## A heading\n" * MAX_STRUCTURE_LINES
    )
    check_shape("-not a list\n*emphasis* too\n2026-01-01 is a date\n" * MAX_STRUCTURE_LINES)


def test_a_row_wider_than_the_limit_is_refused_with_its_line() -> None:
    row = "|" + " c |" * MAX_ROW_CELLS
    text = HEAD + "| Action | Owner |\n|---|---|\n" + row + "\n"
    with pytest.raises(DocumentRejected, match=r"^line 7: a table row of 1,001 cells"):
        extract_document(text, source="s", document="d.md")
    check_shape("|" + " c |" * (MAX_ROW_CELLS - 1))


def test_the_source_reports_the_refused_document_and_its_reason() -> None:
    text = HEAD + "".join(task(n) for n in range(ITEMS + 1))
    result = extract_safely(DocumentText("big.md", text), "s", extract_document)
    assert isinstance(result, PathProblem)
    assert result.document == "big.md" and "export or an index" in result.error


def test_lines_inside_fenced_code_are_text_not_structure() -> None:
    diff = "".join(f"- removed line {n}\n+ added line {n}\n" for n in range(MAX_STRUCTURE_LINES))
    check_shape(f"## Timeline\n\n```diff\n{diff}```\n\n- [ ] one real item\n")
    check_shape(f"~~~~\n{diff}~~~\n```\n{diff}~~~~\n")  # closed only by its own kind and length
    with pytest.raises(DocumentRejected):  # after the fence, they count again
        check_shape(f"```\nx\n```\n{diff}")


def test_more_lines_than_any_postmortem_refuses_the_document() -> None:
    check_shape("text\n" * (MAX_LINES - 1))
    with pytest.raises(DocumentRejected, match=r"^50,001 lines \(syncd reads at most 50,000\)"):
        check_shape("text\n" * MAX_LINES)
