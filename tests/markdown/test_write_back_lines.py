"""The line editor on hostile and unusual lines: what is written where, and what is refused."""

from __future__ import annotations

import pytest

from connectors.markdown.extract import extract_document
from connectors.markdown.write_back_document import edit_document
from connectors.markdown.write_back_line import cell_spans, link_text
from syncd.connector.write_back import EditOutcome, WriteBackEdit

URL = "https://jira.example.com/browse/PAY-7"


def edited(text: str, *, done: bool = False, url: str | None = URL) -> tuple[str, EditOutcome]:
    (item,) = extract_document(text, source="pm", document="d.md").items
    edit = WriteBackEdit("i", "d.md", item.line, item.title, "PAY-7", url, done)
    result = edit_document(text, [edit], source="pm", document="d.md")
    return result.text, result.results[0].outcome


HEAD = "# Outage\n\n## Action items\n\n"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Add an alert", f"- Add an alert ([PAY-7]({URL}))"),
        ("- Add an alert<br>", f"- Add an alert ([PAY-7]({URL}))<br>"),
        # A backslash ending the paragraph is text: the key goes first, so the title stays.
        ("- Add an alert\\", f"- ([PAY-7]({URL})) Add an alert\\"),
        ("1. Add an alert   ", f"1. Add an alert ([PAY-7]({URL}))   "),
        (
            "- Add an alert with `a | b` quoted",
            f"- Add an alert with `a | b` quoted ([PAY-7]({URL}))",
        ),
        ("> - Add an alert", f"> - Add an alert ([PAY-7]({URL}))"),
    ],
)
def test_the_key_goes_at_the_end_of_the_line(line: str, expected: str) -> None:
    text, outcome = edited(HEAD + line + "\n")
    assert outcome is EditOutcome.WRITTEN
    assert text == HEAD + expected + "\n"


def test_a_status_word_at_the_end_keeps_its_meaning() -> None:
    # The key after "DONE" reads back as the same item: the reference only points, so the
    # title and the status are as before.
    text, outcome = edited(HEAD + "- Add an alert @bob DONE\n")
    assert outcome is EditOutcome.WRITTEN
    assert text == HEAD + f"- Add an alert @bob DONE ([PAY-7]({URL}))\n"
    (item,) = extract_document(text, source="pm", document="d.md").items
    assert (item.title, item.status_text, item.done) == ("Add an alert", "DONE", True)


def test_a_url_cannot_break_out_of_its_link_or_its_cell() -> None:
    assert link_text("PAY-7", "https://x.example/a b)(|<>") == (
        "[PAY-7](https://x.example/a%20b%29%28%7C%3C%3E)"
    )
    table = HEAD + "| Action | Ticket |\n|---|---|\n| Add an alert | |\n"
    text, outcome = edited(table, url="https://x.example/q?a=1|b=2")
    assert outcome is EditOutcome.WRITTEN
    assert text.endswith("| Add an alert | [PAY-7](https://x.example/q?a=1%7Cb=2) |\n")


def test_a_tracker_cell_written_by_a_person_is_left_alone() -> None:
    table = HEAD + "| Action | Ticket |\n|---|---|\n| Add an alert | n/a |\n"
    text, outcome = edited(table)
    assert outcome is EditOutcome.WRITTEN
    assert text.endswith(f"| Add an alert ([PAY-7]({URL})) | n/a |\n")


def test_a_done_column_gets_the_documents_own_word() -> None:
    table = HEAD + "| Action | Done |\n|---|---|\n| Add an alert | |\n| Old thing | ✅ |\n"
    (item, _) = extract_document(table, source="pm", document="d.md").items
    edit = WriteBackEdit("i", "d.md", item.line, item.title, "PAY-7", URL, True)
    result = edit_document(table, [edit], source="pm", document="d.md")
    assert result.results[0].outcome is EditOutcome.WRITTEN
    assert f"| Add an alert ([PAY-7]({URL})) | ✅ |\n" in result.text


def test_a_quoted_table_row_keeps_its_quote() -> None:
    table = HEAD + "> | Action | Ticket |\n> |---|---|\n> | Add an alert | |\n"
    text, outcome = edited(table)
    assert outcome is EditOutcome.WRITTEN
    assert text.endswith(f"> | Add an alert | [PAY-7]({URL}) |\n")


def test_cells_are_found_with_and_without_outer_pipes() -> None:
    assert [("| a | b |"[s:e]) for s, e in cell_spans("| a | b |")] == [" a ", " b "]
    assert [("a | b"[s:e]) for s, e in cell_spans("a | b")] == ["a ", " b"]
    assert [(r"| a \| c | b |"[s:e]) for s, e in cell_spans(r"| a \| c | b |")] == [
        r" a \| c ",
        " b ",
    ]


def test_an_item_no_longer_in_the_document_is_retried_not_guessed() -> None:
    text = HEAD + "- Add an alert\n"
    edit = WriteBackEdit("i", "d.md", 5, "Something else entirely", "PAY-7", URL, False)
    result = edit_document(text, [edit], source="pm", document="d.md")
    assert result.results[0].outcome is EditOutcome.RETRY
    assert result.text == text
