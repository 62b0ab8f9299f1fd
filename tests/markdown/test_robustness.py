"""The extractor never raises: garbage, huge tables, deep nesting and internal failures all
come back as an ``ExtractedDocument``, problems reported."""

from __future__ import annotations

import random
import time

import pytest

import connectors.markdown.sections as sections
import connectors.markdown.tables as tables
from connectors.markdown.extract import extract_document
from connectors.markdown.shape_limits import MAX_ITEMS
from syncd.model import DocumentRejected, ExtractedDocument

_FRAGMENTS = [
    "# ",
    "## Action Items\n",
    "### ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "- [ ] ",
    "- [x] ",
    "- [] ",
    "| ",
    " | ",
    "|---|---|\n",
    "| Action | Owner |\n",
    "---\n",
    "...\n",
    "```\n",
    "~~~\n",
    "<!-- ",
    " -->",
    "<div>",
    "</div>",
    "**",
    "__",
    "*",
    "_",
    "~~",
    "`",
    "[",
    "]",
    "(",
    ")",
    "[x][ref]",
    "[ref]: https://acme.atlassian.net/browse/PAY-1\n",
    "![img](a.png)",
    "\\",
    "&amp;",
    "&#0;",
    "\x00",
    "\r\n",
    "\r",
    "\t",
    "    ",
    "\n",
    "\n\n",
    "@alice",
    "PAY-123",
    "#45",
    "acme/pay#45",
    "https://github.com/acme/pay/issues/45",
    "due 2026-12-01",
    "(owner: Bob)",
    "[P1]",
    "DONE",
    "✅",
    "é",
    "😀",
    "\u202e",
    "\ufeff",
    "title: x\n",
    "date: 2026-99-99\n",
    ":",
    "(",
    "((((((((",
    "]]]]]]]",
    ">",
    "> > > ",
    "Date: 03/04/2026\n",
    "{{ x }}",
]


def _garbled(rng: random.Random) -> str:
    return "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(0, 120)))


def _check(text: str, document: str = "doc.md") -> ExtractedDocument:
    result = extract_document(text, source="s", document=document)
    assert isinstance(result, ExtractedDocument)
    for item in result.items:
        assert item.title and item.line >= 1
        assert item.title == item.title.strip()
    return result


def test_random_garbled_documents_never_raise() -> None:
    rng = random.Random(20260301)
    for _ in range(600):
        _check(_garbled(rng))


def test_random_bytes_as_text_never_raise() -> None:
    rng = random.Random(7)
    for _ in range(200):
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
        _check(raw.decode("utf-8", errors="replace"))
        _check(raw.decode("latin-1"))


def test_a_huge_table_is_read_row_by_row() -> None:
    # As many rows as a document may hold items (more: tests/markdown/test_shape_limits.py).
    rows = "".join(
        f"| Task {n} | @owner{n % 7} | 2026-01-01 | PAY-{n} |\n" for n in range(MAX_ITEMS)
    )
    result = _check("## Action Items\n\n| Action | Owner | Due | Bug |\n|---|---|---|---|\n" + rows)
    assert len(result.items) == MAX_ITEMS
    assert result.items[-1].line == MAX_ITEMS + 4


def test_deep_nesting_of_lists_and_quotes_is_refused_not_read_in_part() -> None:
    nested = "".join("  " * depth + "- level\n" for depth in range(200))
    quoted = "> " * 300 + "- [ ] quoted @a\n"
    for text in (nested, quoted):
        with pytest.raises(DocumentRejected, match="nested more than 20 deep"):
            extract_document("## Action Items\n\n" + text, source="s", document="d.md")


@pytest.mark.parametrize(
    "line",
    [
        # Both took exponential time in earlier versions of the title clean-up patterns.
        "Fix it (" + ",".join(["http://a"] * 60) + ") and more",
        "Fix it " + ", ; - " * 500 + "x",
    ],
)
def test_inputs_that_once_took_exponential_time(line: str) -> None:
    started = time.perf_counter()
    result = _check("## Action Items\n\n- " + line + "\n")
    assert len(result.items) == 1
    assert time.perf_counter() - started < 5  # linear: milliseconds; exponential: never ends


def test_pathological_lines_for_the_annotation_patterns() -> None:
    long_item = "- " + "Owner: " * 400 + "due: " * 400 + "(" * 300 + "by end of " * 200 + "\n"
    result = _check("## Action Items\n\n" + long_item + "- " + "a " * 20000 + "@x\n")
    assert len(result.items) >= 1


@pytest.mark.parametrize("value", ["", "\n", "---", "---\n", "---\n---", "|", "# ", "- [x]"])
def test_tiny_documents(value: str) -> None:
    _check(value)


def test_an_internal_failure_in_one_block_is_a_problem_and_the_rest_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tables, "read_table", broken)
    monkeypatch.setattr(sections, "read_table", broken)
    result = _check(
        "## Action Items\n\n| Action | Owner |\n|---|---|\n| Row | @a |\n\n- Listed @b\n"
    )
    assert [i.title for i in result.items] == ["Listed"]
    assert [(p.line, "RuntimeError: boom" in p.message) for p in result.problems] == [(3, True)]


def test_an_internal_failure_of_the_whole_document_is_a_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import connectors.markdown.extract as extract_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(extract_module, "split_front_matter", broken)
    result = _check("## Action Items\n\n- Fix @a\n", "2026-03-01-db-outage.md")
    assert result.items == ()
    assert result.postmortem.title == "Db outage"
    assert "RuntimeError: boom" in result.problems[0].message
