"""Inputs that took the markdown extraction super-linear time, one per fixed pattern or loop.

Each case calls the fixed function on an input large enough that the old code would run for
hours or longer (quadratic on a megabyte is ~10^12 steps; an exponential pattern never ends),
while the fixed code takes well under a second. ``tests/markdown/test_linear_time.py`` runs
each in a worker process under a budget (``run_case`` is the worker's job).
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.markdown import columns, labels, metadata, placeholders, refs
from connectors.markdown.annotations import extract_annotations, tidy
from connectors.markdown.extract import extract_document
from connectors.markdown.inline_text import _render_simple
from connectors.markdown.tables import table_from_paragraph

MB = 1_000_000
_HEAD = "# Outage\n\n## Action items\n\n"


def _times(unit: str, size: int) -> str:
    return unit * (size // len(unit))


CASES: dict[str, Callable[[], object]] = {
    # One judgement of the whole text before and after each handle: quadratic in handles.
    "handles at the edges": lambda: extract_annotations(_times("@a ", MB)),
    # A URL could give back its "/" to the list separator: exponential in the list.
    "list of URLs in brackets": lambda: extract_annotations("x (" + _times("http://a/", 4000)),
    "URLs joined by '&'": lambda: extract_annotations("x (https://a" + _times("&https://a", 4000)),
    # The text was sliced again for each trailing " and".
    "lead-ins before a reference": lambda: extract_annotations(
        "x " + _times("see ", MB) + "PAY-1 x"
    ),
    "pointers after pointers": lambda: extract_annotations("x" + _times(", see (#1)", MB // 10)),
    "pointing clauses": lambda: extract_annotations("x" + _times(" - see #1 -", MB // 10) + " x"),
    "trailing ands": lambda: tidy("x" + _times(" and", 4 * MB)),
    # The parentheses were counted again for each trailing ")".
    "URL ending in parentheses": lambda: refs.strip_url_punctuation("https://x" + _times(")", MB)),
    # Neighbouring "\s*" split a blank run every way.
    "delimiter row with blanks": lambda: table_from_paragraph("a|b\n---" + " " * MB + "x", 0),
    "template braces and blanks": lambda: placeholders.is_placeholder(
        "{{a}} x", "{{a}}" + " " * MB + "x"
    ),
    "italic instruction and blanks": lambda: placeholders.is_placeholder(
        "Add action items", "*a*" + " " * MB + "x"
    ),
    "date line with blanks": lambda: metadata._date_line("Date\n" + " \t" * MB + "x", 0),
    # A run scanned to its end from each of its characters.
    "symbols inside a heading": lambda: labels.display_label("x" + "%" * MB + "x"),
    "unclosed brackets in a heading": lambda: labels.strip_markup("[" * MB),
    "unclosed link targets in a heading": lambda: labels.strip_markup(_times("[a](", MB)),
    "unclosed attributes in a heading": lambda: labels.strip_markup("x" + _times("{#", MB)),
    "unclosed parentheses in a header cell": lambda: columns.header_key("Action " + "(" * MB),
    # The text so far was joined again at each bold span.
    "bold spans": lambda: _render_simple("x" + _times(" **a**", MB)),
    # Whole documents of a megabyte, through the same extraction syncd runs.
    "document: one item of '[a '": lambda: extract_document(
        _HEAD + "- " + _times("[a ", MB), source="s", document="d.md"
    ),
    "document: one item of handles": lambda: extract_document(
        _HEAD + "- " + _times("@a ", MB), source="s", document="d.md"
    ),
}


def run_case(name: str) -> str:
    CASES[name]()
    return name
