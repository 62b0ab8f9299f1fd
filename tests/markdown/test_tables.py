"""Action tables: columns found by meaning, one row one item, malformed tables reported."""

from __future__ import annotations

import pytest

from tests.markdown.extraction_support import extract, items, only_item, titles


def test_sre_book_table_with_status_inside_the_bug_cell() -> None:
    found = items(
        """
        ## Action Items

        | Action Item | Type | Owner | Bug |
        |-------------|------|-------|-----|
        | Lower the Patroni `ttl` | mitigate | priya | PAY-812 **DONE** |
        | Alert on missing standby | detect | oncall-payments | Bug 5554823 **TODO** |
        """
    )
    assert [(i.title, i.type_text, i.owner_text) for i in found] == [
        ("Lower the Patroni ttl", "mitigate", "priya"),
        ("Alert on missing standby", "detect", "oncall-payments"),
    ]
    assert (found[0].status_text, found[0].done, found[0].tracker_refs) == (
        "DONE",
        True,
        ("PAY-812",),
    )
    # A bare number is not a tracker reference.
    assert (found[1].status_text, found[1].done, found[1].tracker_refs) == ("TODO", False, ())
    assert {i.section for i in found} == {"Action Items"}


def test_a_table_naming_action_and_owner_columns_counts_without_any_heading() -> None:
    item = only_item(
        """
        | Task | Who | Deadline |
        |------|-----|----------|
        | Add a pre-merge DNS check | @lin | 2026-03-01 |
        """
    )
    assert (item.title, item.section, item.owner_text, item.due_text) == (
        "Add a pre-merge DNS check",
        "",
        "@lin",
        "2026-03-01",
    )


def test_outside_action_sections_a_table_needs_both_an_action_and_an_owner_column() -> None:
    assert (
        items(
            """
        ## Timeline

        | Time | Event | Action |
        |------|-------|--------|
        | 12:51 | change merged | none |
        """
        )
        == ()
    )


def test_table_under_a_narrative_heading_takes_that_heading_as_section() -> None:
    item = only_item(
        """
        ## What we are changing

        | Description | Assignee |
        |---|---|
        | Serve the upstream list from the mesh | @dario |
        """
    )
    assert item.section == "What we are changing"


@pytest.mark.parametrize(
    "header",
    [
        "| Action | Owner(s) | Due Date | Prio | Kind | State | Ticket |",
        "| Description | Responsible | By | P | Category | Done | Issue |",
        "| What | DRI | Target date | Priority (P0-P3) | Type (Mitigate/Prevent/Process) "
        "| Progress | Jira |",
        "| **Action Item** | *Assignee* | ETA | Severity | Type | Status | Link |",
        "| Follow-up | Assigned to | By when | Pri | Category | Status | Bug # |",
    ],
)
def test_column_synonyms_and_allowed_values_in_headers(header: str) -> None:
    item = only_item(
        f"""
        ## Action Items

        {header}
        |---|---|---|---|---|---|---|
        | Add alerting | @alice | 2026-05-01 | P1 | prevent | in progress | PAY-1 |
        """
    )
    assert (
        item.title,
        item.owner_text,
        item.due_text,
        item.priority_text,
        item.type_text,
        item.status_text,
        item.tracker_refs,
    ) == ("Add alerting", "@alice", "2026-05-01", "P1", "prevent", "in progress", ("PAY-1",))


def test_empty_header_row_with_the_real_headers_as_a_bold_first_row() -> None:
    found = items(
        """
        ## Follow-ups

        | | | |
        |---|---|---|
        | **Action Item** | **Owner** | **Due** |
        | Fix the retry loop | @tomasz | Q2 2026 |
        | Document the promotion | Lena | |
        """
    )
    assert [(i.title, i.owner_text, i.due_text) for i in found] == [
        ("Fix the retry loop", "@tomasz", "Q2 2026"),
        ("Document the promotion", "Lena", None),
    ]
    assert found[0].line == 6


def test_rows_without_leading_or_trailing_pipes() -> None:
    found = items(
        """
        ## Action Plan

        Description | Assignee | Target date | Link
        --- | --- | --- | ---
        Add request coalescing | @nadia | 2026-03-15 | https://github.com/acme/catalog/issues/212
        Jitter cache TTLs | @nadia | 2026-02-28 | acme/catalog#213
        Add a hit-ratio alert | Ravi Menon | 2026-03-31 | #214
        """
    )
    assert [(i.title, i.owner_text, i.tracker_refs) for i in found] == [
        ("Add request coalescing", "@nadia", ("https://github.com/acme/catalog/issues/212",)),
        ("Jitter cache TTLs", "@nadia", ("acme/catalog#213",)),
        ("Add a hit-ratio alert", "Ravi Menon", ("#214",)),
    ]


def test_placeholder_rows_are_not_items() -> None:
    assert titles(
        """
        ## Action Items

        | Action Item | Owner | Due |
        |---|---|---|
        | Real work | @a | 2026-01-01 |
        | | | |
        | - | @b | |
        | TBD | | |
        | N/A | | |
        | ... | | |
        | etc. | | |
        | … | | |
        | <describe the action> | <owner> | <date> |
        | [Action item] | | |
        | e.g. add an alert | | |
        | {{ action }} | | |
        """
    ) == ["Real work"]


def test_empty_owner_and_due_cells_are_none_and_tbd_is_kept_as_written() -> None:
    item = only_item(
        """
        | Task | Who | Deadline |
        |---|---|---|
        | Look into pool sizing | | TBD |
        """
    )
    assert (item.owner_text, item.due_text) == (None, "TBD")


def test_status_column_and_done_column() -> None:
    found = items(
        """
        ## Action Items

        | Action | Owner | Status |
        |---|---|---|
        | One | @a | Done |
        | Two | @a | Open |
        | Three | @a | ✅ Completed |

        | Action | Owner | Done? |
        |---|---|---|
        | Four | @b | yes |
        | Five | @b | no |
        """
    )
    assert [(i.title, i.status_text, i.done) for i in found] == [
        ("One", "Done", True),
        ("Two", "Open", False),
        ("Three", "✅ Completed", True),
        ("Four", "yes", True),
        ("Five", "no", False),
    ]


def test_annotations_in_the_action_cell_fill_missing_columns_only() -> None:
    found = items(
        """
        ## Action Items

        | Action | Owner |
        |---|---|
        | Rotate the key @maria due 2026-04-01 [P1] | |
        | Patch the client @dave | Erin |
        """
    )
    assert [(i.title, i.owner_text, i.due_text, i.priority_text) for i in found] == [
        ("Rotate the key", "@maria", "2026-04-01", "P1"),
        ("Patch the client", "Erin", None, None),
    ]


def test_references_in_every_cell_in_reading_order() -> None:
    item = only_item(
        """
        ## Action Items

        | Action | Owner | Ticket | Notes |
        |---|---|---|---|
        | Fix PAY-1 regression | @a | [PAY-2](https://acme.atlassian.net/browse/PAY-2) | see #7 |
        """
    )
    assert item.tracker_refs == (
        "PAY-1",
        "PAY-2",
        "https://acme.atlassian.net/browse/PAY-2",
        "#7",
    )
    assert item.detail == "see #7"


def test_a_row_with_more_cells_than_the_header_is_reported_once_and_still_read() -> None:
    document = extract(
        """
        ## Action Items

        | Action | Owner |
        |---|---|
        | One | @a | stray |
        | Two | @b | stray | more |
        """
    )
    assert [(i.title, i.owner_text) for i in document.items] == [("One", "@a"), ("Two", "@b")]
    assert [(p.line, "extra cells were ignored" in p.message) for p in document.problems] == [
        (5, True)
    ]


def test_table_without_action_column_in_an_action_section_is_a_problem() -> None:
    document = extract(
        """
        # Outage

        ## Action Items

        | Metric | Before | After |
        |---|---|---|
        | p99 | 5s | 200ms |

        - Keep reading the rest @a
        """
    )
    assert [i.title for i in document.items] == ["Keep reading the rest"]
    assert len(document.problems) == 1
    assert document.problems[0].line == 5
    assert "no action column" in document.problems[0].message


def test_header_and_delimiter_rows_of_different_widths_are_read_leniently_and_reported() -> None:
    document = extract(
        """
        ## Action Items

        | Action | Owner | Due |
        |---|---|
        | Add the alert | @a | 2026-01-01 |
        | Fix the pool | @b |
        """
    )
    assert [(i.title, i.owner_text, i.due_text, i.line) for i in document.items] == [
        ("Add the alert", "@a", "2026-01-01", 5),
        ("Fix the pool", "@b", None, 6),
    ]
    assert [p.line for p in document.problems] == [3]
    assert "malformed table" in document.problems[0].message


def test_tables_in_code_fences_and_html_comments_are_not_read() -> None:
    assert (
        items(
            """
        ## Action Items

        ```markdown
        | Action | Owner |
        |---|---|
        | Fenced example | @x |
        ```

        <!--
        | Action | Owner |
        |---|---|
        | Commented out | @y |
        -->
        """
        )
        == ()
    )


def test_table_line_numbers_count_the_front_matter() -> None:
    item = only_item(
        """
        ---
        title: With front matter
        ---

        | Action | Owner |
        |---|---|
        | Counted from the top of the file | @a |
        """
    )
    assert item.line == 7


def test_line_breaks_inside_cells_separate_words() -> None:
    item = only_item(
        """
        | Action | Owner |
        |---|---|
        | Fix the pool<br>and the retries | Alice<br/>Bob |
        """
    )
    assert (item.title, item.owner_text) == ("Fix the pool and the retries", "Alice Bob")
