"""The postmortem corpus: every document's extraction must match its ``.expected.yaml``.

Each document ``NAME.<md|markdown|txt>`` sits next to ``NAME.expected.yaml`` (see README.md in
this directory for the format). Documents in ``scored/`` are checked here as a corpus but
measured by the scorer (test_corpus_score.py), not compared exactly. Three kinds of tests live
here:

- the corpus itself is checked (pairs complete, expected files well formed, every style covered
  by at least two documents), so a broken corpus is reported as such and not as a parser bug;
- the comparison is checked against extractions rebuilt from the expected files, so it can
  neither pass a wrong extraction nor fail a right one;
- each document is extracted and compared field by field with what its expected file states.

The extractor is imported when the comparison runs, not at collection time: a missing or broken
extractor then fails the comparisons with its own error, while the corpus checks still run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from syncd.model import DocumentProblem, ExtractedDocument, Postmortem, RawItem
from tests.corpus.corpus_files import (
    CORPUS_DIR,
    EXPECTED_SUFFIX,
    ITEM_FIELDS,
    SCORED_DIR,
    SOURCE_NAME,
    corpus_documents,
    expected_path,
    load_expected,
    load_extractor,
    raw_item_from_expected,
)

MIN_DOCUMENTS = 30
MIN_SCORED_DOCUMENTS = 40
MIN_SCORED_NEGATIVES = 8  # scored documents with no items at all
MIN_DOCUMENTS_PER_STYLE = 2

# The styles the corpus must cover, each in at least two documents (README.md describes them).
REQUIRED_STYLES = (
    "sre_table",
    "headless_table",
    "column_synonyms",
    "empty_header_row",
    "pipeless_rows",
    "task_list",
    "inline_annotations",
    "bold_title_bullets",
    "nested_bullets",
    "multiple_sections",
    "bold_label",
    "front_matter",
    "date_line",
    "filename_date",
    "reference_links",
    "placeholders",
    "done_markers",
    "priority_type",
    "non_md_extension",
    "no_action_items",
    "vague_items",
    # The families of issue 17 (documents in scored/).
    "narrative_action_label",
    "heading_variants",
    "status_heading",
    "plain_line_actions",
    "parent_with_parts",
    "owner_prefix",
    "template_placeholders",
    "prose_done",
    "clean_titles",
)
# Tags that describe a document further but need not be covered twice.
OPTIONAL_STYLES = ("malformed_table", "several_owners")
KNOWN_STYLES = frozenset(REQUIRED_STYLES + OPTIONAL_STYLES)

POSTMORTEM_KEYS = ("title", "date", "date_origin", "severity", "incident", "service", "team")
REQUIRED_POSTMORTEM_KEYS = ("title", "date", "date_origin")
DATE_ORIGINS = frozenset({"front_matter", "filename", "date_line"})

REQUIRED_ITEM_KEYS = ("title", "section", "owner", "due", "done")
OPTIONAL_TEXT_ITEM_KEYS = ("priority", "type", "status", "detail")
# An expected-only key (scored documents): the item is a parent whose sub-bullets complete it.
PARTS_KEY = "parts"
TOP_LEVEL_KEYS = frozenset({"styles", "postmortem", "items", "problems"})


# Documents compared exactly, item by item; scored documents are measured by the scorer only.
DOCUMENTS = corpus_documents()
DOCUMENT_IDS = [path.name for path in DOCUMENTS]
SCORED_DOCUMENTS = corpus_documents(SCORED_DIR)
ALL_DOCUMENTS = DOCUMENTS + SCORED_DOCUMENTS
ALL_DOCUMENT_IDS = [path.relative_to(CORPUS_DIR).as_posix() for path in ALL_DOCUMENTS]


# --- the corpus itself ---------------------------------------------------------------------


@pytest.mark.parametrize("directory", [CORPUS_DIR, SCORED_DIR], ids=["exact", "scored"])
def test_every_document_has_an_expected_file_and_every_expected_file_a_document(
    directory: Path,
) -> None:
    documents = corpus_documents(directory)
    expected_files = {path.name for path in directory.glob("*" + EXPECTED_SUFFIX)}
    paired = {expected_path(document).name for document in documents}
    assert sorted(paired - expected_files) == [], "documents without an expected file"
    assert sorted(expected_files - paired) == [], "expected files without a document"
    stems = Counter(document.stem for document in documents)
    assert [stem for stem, count in stems.items() if count > 1] == [], (
        "two documents share a stem, so they would share an expected file"
    )


def test_corpus_is_large_enough_and_covers_every_style() -> None:
    assert len(DOCUMENTS) >= MIN_DOCUMENTS
    assert len(SCORED_DOCUMENTS) >= MIN_SCORED_DOCUMENTS
    negatives = [doc for doc in SCORED_DOCUMENTS if load_expected(doc)["items"] == []]
    assert len(negatives) >= MIN_SCORED_NEGATIVES
    coverage: Counter[str] = Counter()
    for document in ALL_DOCUMENTS:
        coverage.update(load_expected(document).get("styles") or [])
    thin = {
        style: coverage[style]
        for style in REQUIRED_STYLES
        if coverage[style] < MIN_DOCUMENTS_PER_STYLE
    }
    assert thin == {}, f"styles covered by fewer than {MIN_DOCUMENTS_PER_STYLE} documents"
    suffixes = Counter(document.suffix for document in ALL_DOCUMENTS)
    assert suffixes[".markdown"] >= 2
    assert suffixes[".txt"] >= 1


@pytest.mark.parametrize("document", ALL_DOCUMENTS, ids=ALL_DOCUMENT_IDS)
def test_expected_file_is_well_formed(document: Path) -> None:
    errors = expected_file_errors(document, load_expected(document))
    assert errors == [], f"{expected_path(document).name}:\n  " + "\n  ".join(errors)


def expected_file_errors(document: Path, expected: dict[str, Any]) -> list[str]:
    errors = [f"unknown top-level key {key!r}" for key in expected if key not in TOP_LEVEL_KEYS]
    errors += style_errors(document, expected)
    errors += postmortem_errors(document, expected.get("postmortem"))
    items = expected.get("items")
    if not isinstance(items, list):
        errors.append("items: must be a list ([] when the document has none)")
    else:
        lines = document.read_text(encoding="utf-8").splitlines()
        scored = document.parent == SCORED_DIR
        for index, item in enumerate(items):
            errors += [f"items[{index}]: {error}" for error in item_errors(item, lines, scored)]
        if ("no_action_items" in (expected.get("styles") or [])) != (items == []):
            errors.append("style no_action_items must be given exactly when items is []")
    problems = expected.get("problems", 0)
    if not isinstance(problems, int) or isinstance(problems, bool) or problems < 0:
        errors.append("problems: must be a non-negative integer")
    return errors


def style_errors(document: Path, expected: dict[str, Any]) -> list[str]:
    styles = expected.get("styles")
    if not isinstance(styles, list) or not styles:
        return ["styles: must be a non-empty list"]
    errors = [f"styles: unknown style {style!r}" for style in styles if style not in KNOWN_STYLES]
    if len(set(styles)) != len(styles):
        errors.append("styles: listed twice")
    # Tags that can be checked against the file keep the coverage test honest.
    text = document.read_text(encoding="utf-8")
    checkable = {
        "non_md_extension": document.suffix != ".md",
        "front_matter": text.startswith("---\n"),
    }
    for style, present in checkable.items():
        if (style in styles) != present:
            errors.append(f"styles: {style!r} {'missing' if present else 'does not apply'}")
    return errors


def postmortem_errors(document: Path, postmortem: object) -> list[str]:
    if not isinstance(postmortem, dict):
        return ["postmortem: must be a mapping"]
    errors = [
        f"postmortem: unknown key {key!r}" for key in postmortem if key not in POSTMORTEM_KEYS
    ]
    errors += [
        f"postmortem: {key} is required"
        for key in REQUIRED_POSTMORTEM_KEYS
        if key not in postmortem
    ]
    for key in POSTMORTEM_KEYS:
        value = postmortem.get(key)
        if key != "date" and value is not None and not isinstance(value, str):
            errors.append(f"postmortem.{key}: must be a string or null")
    written_date = postmortem.get("date")
    origin = postmortem.get("date_origin")
    if written_date is not None and not isinstance(written_date, str):
        errors.append('postmortem.date: quote it ("2026-03-01") so YAML keeps it a string')
    elif isinstance(written_date, str):
        try:
            dt.date.fromisoformat(written_date)
        except ValueError:
            errors.append(f"postmortem.date: {written_date!r} is not an ISO date")
    if origin is not None and origin not in DATE_ORIGINS:
        errors.append(f"postmortem.date_origin: {origin!r} is not one of {sorted(DATE_ORIGINS)}")
    if (written_date is None) != (origin is None):
        errors.append("postmortem: date and date_origin must be both null or both set")
    if isinstance(written_date, str):
        named_by_date = document.name[:10] == written_date
        if origin == "filename" and not named_by_date:
            errors.append("postmortem.date_origin: filename, but the name does not start with it")
        if origin == "date_line" and document.name[:4].isdigit():
            errors.append("postmortem.date_origin: date_line, but the name carries a date")
    return errors


def item_errors(item: object, lines: list[str], scored: bool = False) -> list[str]:
    if not isinstance(item, dict):
        return ["must be a mapping"]
    errors = [f"unknown key {key!r}" for key in item if key not in ITEM_FIELDS and key != PARTS_KEY]
    if PARTS_KEY in item:
        parts = item[PARTS_KEY]
        if not scored:
            errors.append("parts: only in scored documents (the exact comparison has no parts)")
        if not isinstance(parts, list) or len(parts) < 2:
            errors.append("parts: must list at least two parts")
        elif not all(isinstance(part, str) and part.strip() for part in parts):
            errors.append("parts: must be non-empty strings")
    errors += [f"{key} is required" for key in REQUIRED_ITEM_KEYS if key not in item]
    if not isinstance(item.get("title"), str) or not item.get("title"):
        errors.append("title: must be a non-empty string")
    if not isinstance(item.get("section"), str):
        errors.append('section: must be a string ("" for a table under no heading)')
    for key in ("owner", "due"):
        if item.get(key) is not None and not isinstance(item.get(key), str):
            errors.append(f"{key}: must be a string as written, or null (quote dates)")
    if not isinstance(item.get("done"), bool):
        errors.append("done: must be true or false")
    refs = item.get("refs", [])
    if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
        errors.append("refs: must be a list of strings")
    for key in OPTIONAL_TEXT_ITEM_KEYS:
        if key in item and item[key] is not None and not isinstance(item[key], str):
            errors.append(f"{key}: must be a string or null")
    if "line" in item:
        line = item["line"]
        if not isinstance(line, int) or isinstance(line, bool) or not 1 <= line <= len(lines):
            errors.append(f"line: {line!r} is not a line of the document")
        elif isinstance(item.get("title"), str) and item["title"]:
            # The item starts on its line, so the title's first word is there (a cheap guard
            # against off-by-one line numbers in the corpus).
            first_word = item["title"].split()[0]
            if first_word.lower() not in lines[line - 1].lower():
                errors.append(f"line: {line} does not hold {first_word!r}")
    return errors


def test_comparison_accepts_exactly_what_the_expected_files_state() -> None:
    # The comparison is the harness's own logic; check it against extractions built from the
    # expected files, so a lenient comparison cannot hide parser bugs. (Scored documents are
    # measured by the scorer, which checks itself in test_corpus_score.py.)
    for document in DOCUMENTS:
        expected = load_expected(document)
        rebuilt = extracted_from_expected(document.name, expected)
        assert extraction_mismatches(document.name, expected, rebuilt) == [], document.name


def test_comparison_reports_each_difference() -> None:
    document = CORPUS_DIR / "checkout-api-cert-expiry.md"
    expected = load_expected(document)
    rebuilt = extracted_from_expected(document.name, expected)
    first, second, *rest = rebuilt.items
    altered = dataclasses.replace(
        rebuilt,
        postmortem=dataclasses.replace(rebuilt.postmortem, date=dt.date(2026, 2, 10)),
        items=(
            dataclasses.replace(first, owner_text="Maria Keller", tracker_refs=("PAY-1",)),
            dataclasses.replace(second, done=False),
            *rest[:-1],
        ),
        problems=(DocumentProblem(line=3, message="odd table"),),
    )
    mismatches = extraction_mismatches(document.name, expected, altered)
    assert "postmortem.date: expected '2026-02-09', got '2026-02-10'" in mismatches
    assert any(m.startswith("item count: expected 7, got 6") for m in mismatches)
    assert any(m.startswith("item 0 ") and "owner: expected '@maria.k'" in m for m in mismatches)
    assert any(m.startswith("item 0 ") and "refs: expected []" in m for m in mismatches)
    assert any(m.startswith("item 1 ") and "done: expected True" in m for m in mismatches)
    assert any(m.startswith("problems: expected 0, got 1") for m in mismatches)


def extracted_from_expected(name: str, expected: dict[str, Any]) -> ExtractedDocument:
    written = expected["postmortem"]
    postmortem = Postmortem(
        source=SOURCE_NAME,
        document=name,
        title=written["title"],
        date=dt.date.fromisoformat(written["date"]) if written["date"] else None,
        date_origin=written["date_origin"],
        severity=written.get("severity"),
        incident=written.get("incident"),
        service=written.get("service"),
        team=written.get("team"),
    )
    items = tuple(raw_item_from_expected(item) for item in expected["items"])
    problems = tuple(
        DocumentProblem(line=None, message="rebuilt") for _ in range(expected.get("problems", 0))
    )
    return ExtractedDocument(postmortem=postmortem, items=items, problems=problems)


# --- the extraction ------------------------------------------------------------------------


@pytest.mark.parametrize("document", DOCUMENTS, ids=DOCUMENT_IDS)
def test_extraction_matches_expected(document: Path) -> None:
    expected = load_expected(document)
    extract_document = load_extractor()
    extracted = extract_document(
        document.read_text(encoding="utf-8"), source=SOURCE_NAME, document=document.name
    )
    mismatches = extraction_mismatches(document.name, expected, extracted)
    assert mismatches == [], (
        f"{document.name}: {len(mismatches)} mismatch(es) with {expected_path(document).name}\n  "
        + "\n  ".join(mismatches)
    )


def extraction_mismatches(
    name: str, expected: dict[str, Any], extracted: ExtractedDocument
) -> list[str]:
    mismatches: list[str] = []
    postmortem = extracted.postmortem
    if postmortem.source != SOURCE_NAME or postmortem.document != name:
        mismatches.append(
            f"postmortem source/document: expected {(SOURCE_NAME, name)!r}, "
            f"got {(postmortem.source, postmortem.document)!r}"
        )
    for key, want in expected["postmortem"].items():
        got = getattr(postmortem, key)
        if key == "date":
            want, got = iso_or_none(want), iso_or_none(got)
        if want != got:
            mismatches.append(f"postmortem.{key}: expected {want!r}, got {got!r}")

    want_items: list[dict[str, Any]] = expected["items"]
    got_items = extracted.items
    if len(want_items) != len(got_items):
        mismatches.append(
            f"item count: expected {len(want_items)}, got {len(got_items)}\n"
            + describe_items("expected", [(item["section"], item["title"]) for item in want_items])
            + "\n"
            + describe_items("got", [(item.section, item.title) for item in got_items])
        )
    for index, (want_item, got_item) in enumerate(zip(want_items, got_items, strict=False)):
        mismatches += [
            f"item {index} ({want_item['title']!r}): {difference}"
            for difference in item_mismatches(want_item, got_item)
        ]

    if "problems" in expected and expected["problems"] != len(extracted.problems):
        described = "; ".join(f"line {p.line}: {p.message}" for p in extracted.problems)
        mismatches.append(
            f"problems: expected {expected['problems']}, got {len(extracted.problems)}"
            + (f" ({described})" if described else "")
        )
    return mismatches


def item_mismatches(want: dict[str, Any], got: RawItem) -> list[str]:
    differences: list[str] = []
    checked = {key: want[key] for key in want}
    checked.setdefault("refs", [])  # an item without refs must not invent any
    for key, want_value in checked.items():
        got_value = getattr(got, ITEM_FIELDS[key])
        normalise = NORMALISERS.get(key, same)
        if normalise(want_value) != normalise(got_value):
            differences.append(f"{key}: expected {want_value!r}, got {got_value!r}")
    return differences


def iso_or_none(value: object) -> object:
    # YAML turns an unquoted 2026-03-01 into a date; the model holds a date. Compare as text.
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def same(value: object) -> object:
    return value


NORMALISERS: dict[str, Callable[[object], object]] = {"refs": as_tuple, "due": iso_or_none}


def describe_items(label: str, items: list[tuple[str, str]]) -> str:
    listed = "\n".join(f"      [{section}] {title}" for section, title in items) or "      (none)"
    return f"    {label}:\n{listed}"
