"""The corpus scorer: recall, precision and field accuracy of the extraction over the whole corpus.

Every document (the exact ones here and the scored ones in ``scored/``) is extracted; each
document's extracted items are matched to its expected ones by title, then:

- **recall** — expected items found / expected items;
- **precision** — extracted items that match an expected one / extracted items (a fragment, a
  placeholder or a narrative bullet taken as an item counts against it);
- **field accuracy** — over matched items, the fields the expected file states that are right:
  title and section (whitespace and case aside), owner, due, done, refs (in order), and priority,
  type and status where the expected file gives them; and each document's metadata (title,
  date, date_origin, ...) as its expected file states it.

Matching: titles are normalised (case folded, every run of non-alphanumerics one space) and an
extracted item matches an expected one when rapidfuzz's ``ratio`` of the two is at least
``TITLE_MATCH``; pairs are taken best first. An expected item with ``parts`` (a parent such as
"Add dashboards for" whose sub-bullets only complete it) is found when extracted items carrying
the parent's words (``token_set_ratio`` at least ``TITLE_MATCH``) together contain every part:
one item whose title carries all parts, or one item per part. A bare part ("queue lag") carries
no parent and is not a match.

The figures are printed (``pytest -s``) and repeated in the assertion message; the test fails
when recall, precision, field accuracy or any one field's accuracy is below ``MIN_SCORE``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from syncd.model import ExtractedDocument, Postmortem, RawItem
from tests.corpus.corpus_files import (
    CORPUS_DIR,
    ITEM_FIELDS,
    SCORED_DIR,
    SOURCE_NAME,
    corpus_documents,
    load_expected,
    load_extractor,
    raw_item_from_expected,
    read_document,
)

MIN_SCORE = 0.98
TITLE_MATCH = 90  # rapidfuzz score (0-100) over normalised titles
MISSES_IN_MESSAGE = 60  # the assertion message lists this many misses; -s prints them all

# Expected-file key -> RawItem attribute, in the order the report gives them (detail and line
# are how an item is written down, not what it asks for: not scored).
SCORED_FIELDS = {
    key: attribute for key, attribute in ITEM_FIELDS.items() if key not in ("detail", "line")
}
ALWAYS_SCORED = frozenset({"title", "section", "owner", "due", "done", "refs"})
PARTS = "parts"
POSTMORTEM = "postmortem"  # the document's title, date, ... as the expected file states them
REPORTED_FIELDS = (*SCORED_FIELDS, POSTMORTEM)
EXACT = "(exact corpus)"
SCORED = "(scored corpus)"
ALL = "(all)"

_NON_ALNUM = re.compile(r"[\W_]+")


def normalised(title: str) -> str:
    return " ".join(_NON_ALNUM.sub(" ", title.casefold()).split())


def titles_match(want: str, got: str) -> float:
    """The match score of two titles, 0 when below TITLE_MATCH."""
    score = fuzz.ratio(normalised(want), normalised(got))
    return score if score >= TITLE_MATCH else 0.0


def carries_parent(parent: str, got: str) -> bool:
    return fuzz.token_set_ratio(normalised(parent), normalised(got)) >= TITLE_MATCH


def parts_in(parts: Iterable[str], got: str) -> set[str]:
    padded = f" {normalised(got)} "
    return {part for part in parts if f" {normalised(part)} " in padded}


# --- the tally -----------------------------------------------------------------------------


@dataclass
class Tally:
    expected: int = 0
    found: int = 0  # expected items matched
    extracted: int = 0
    matching: int = 0  # extracted items matched
    right: Counter[str] = field(default_factory=Counter)
    compared: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.expected += other.expected
        self.found += other.found
        self.extracted += other.extracted
        self.matching += other.matching
        self.right.update(other.right)
        self.compared.update(other.compared)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matching / self.extracted if self.extracted else 1.0

    @property
    def field_accuracy(self) -> float:
        total = sum(self.compared.values())
        return sum(self.right.values()) / total if total else 1.0

    def accuracy_of(self, key: str) -> float:
        return self.right[key] / self.compared[key] if self.compared[key] else 1.0


@dataclass
class DocumentScore:
    name: str
    styles: tuple[str, ...]
    tally: Tally
    misses: list[str]


# --- matching ------------------------------------------------------------------------------


def score_document(
    name: str, styles: Iterable[str], want_items: list[dict[str, Any]], got_items: list[RawItem]
) -> DocumentScore:
    tally = Tally(expected=len(want_items), extracted=len(got_items))
    misses: list[str] = []
    taken: set[int] = set()
    pairs: list[tuple[dict[str, Any], RawItem]] = []

    plain = [(i, want) for i, want in enumerate(want_items) if PARTS not in want]
    candidates = sorted(
        (
            (-score, abs(i - j), i, j)
            for i, want in plain
            for j, got in enumerate(got_items)
            if (score := titles_match(want["title"], got.title))
        ),
    )
    found: set[int] = set()
    for _, _, i, j in candidates:
        if i in found or j in taken:
            continue
        found.add(i)
        taken.add(j)
        pairs.append((want_items[i], got_items[j]))

    for i, want in enumerate(want_items):
        if PARTS not in want:
            continue
        missing = set(want[PARTS])
        carriers = []
        for j, got in enumerate(got_items):
            if j in taken or not carries_parent(want["title"], got.title):
                continue
            carried = parts_in(want[PARTS], got.title)
            if carried:
                carriers.append(j)
                missing -= carried
        taken.update(carriers)
        pairs += [(want, got_items[j]) for j in carriers]
        if carriers and not missing:
            found.add(i)
        elif carriers:
            misses.append(
                f"{name}: {want['title']!r} lacks parts {sorted(missing)} "
                f"(got {[got_items[j].title for j in carriers]})"
            )

    tally.found = len(found)
    tally.matching = len(taken)
    misses += [
        f"{name}: not found: [{want['section']}] {want['title']!r}"
        for i, want in enumerate(want_items)
        if i not in found and not (PARTS in want and any(want is w for w, _ in pairs))
    ]
    misses += [
        f"{name}: not expected: [{got.section}] {got.title!r} (line {got.line})"
        for j, got in enumerate(got_items)
        if j not in taken
    ]
    for want, got in pairs:
        for key, right, detail in field_checks(want, got):
            tally.compared[key] += 1
            tally.right[key] += right
            if not right:
                misses.append(f"{name}: {want['title']!r} {key}: {detail}")
    return DocumentScore(name, tuple(styles), tally, misses)


def field_checks(want: dict[str, Any], got: RawItem) -> list[tuple[str, bool, str]]:
    checks = []
    for key, attribute in SCORED_FIELDS.items():
        if key not in want and key not in ALWAYS_SCORED:
            continue
        if key == "title" and PARTS in want:
            continue  # the match itself checked that the title carries the parent and parts
        want_value = want.get(key, [] if key == "refs" else None)
        got_value = getattr(got, attribute)
        right = comparable(key, want_value) == comparable(key, got_value)
        checks.append((key, right, f"expected {want_value!r}, got {got_value!r}"))
    return checks


def comparable(key: str, value: object) -> object:
    if key in ("title", "section") and isinstance(value, str):
        return " ".join(value.casefold().split())
    if key == "refs" and isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, dt.date):  # YAML reads an unquoted date as a date
        return value.isoformat()
    return value


# --- the report ----------------------------------------------------------------------------


def family_tallies(scores: list[DocumentScore]) -> dict[str, tuple[int, Tally]]:
    families: dict[str, tuple[int, Tally]] = {}
    for score in scores:
        group = SCORED if score.name.startswith(SCORED_DIR.name + "/") else EXACT
        for family in (ALL, group, *score.styles):
            documents, tally = families.get(family, (0, Tally()))
            tally.add(score.tally)
            families[family] = (documents + 1, tally)
    return families


def report(scores: list[DocumentScore]) -> str:
    families = family_tallies(scores)
    overall = families[ALL][1]
    lines = [
        f"corpus score over {len(scores)} documents: {overall.expected} expected items, "
        f"{overall.extracted} extracted",
        f"  recall {overall.recall:.3f}  precision {overall.precision:.3f}  "
        f"field accuracy {overall.field_accuracy:.3f}",
        "  fields: "
        + "  ".join(
            f"{key} {overall.accuracy_of(key):.3f} ({overall.right[key]}/{overall.compared[key]})"
            for key in REPORTED_FIELDS
        ),
        f"  {'family':<24} {'docs':>4} {'expected':>8} {'extracted':>9} "
        f"{'recall':>7} {'precision':>9} {'fields':>7}",
    ]
    ordered = [ALL, EXACT, SCORED, *sorted(set(families) - {ALL, EXACT, SCORED})]
    for family in ordered:
        if family not in families:
            continue
        documents, tally = families[family]
        lines.append(
            f"  {family:<24} {documents:>4} {tally.expected:>8} {tally.extracted:>9} "
            f"{tally.recall:>7.3f} {tally.precision:>9.3f} {tally.field_accuracy:>7.3f}"
        )
    return "\n".join(lines)


def failures(scores: list[DocumentScore]) -> list[str]:
    overall = family_tallies(scores)[ALL][1]
    figures = {
        "recall": overall.recall,
        "precision": overall.precision,
        "field accuracy": overall.field_accuracy,
        **{f"{key} accuracy": overall.accuracy_of(key) for key in REPORTED_FIELDS},
    }
    return [
        f"{name} {value:.3f} < {MIN_SCORE}" for name, value in figures.items() if value < MIN_SCORE
    ]


# --- the corpus ----------------------------------------------------------------------------

ALL_DOCUMENTS = corpus_documents() + corpus_documents(SCORED_DIR)


def document_name(document: Path) -> str:
    return document.relative_to(CORPUS_DIR).as_posix()


def extract_corpus() -> list[DocumentScore]:
    extract_document = load_extractor()
    scores = []
    for document in ALL_DOCUMENTS:
        expected = load_expected(document)
        name = document_name(document)
        try:
            extracted = extract_document(
                read_document(document), source=SOURCE_NAME, document=document.name
            )
            got_items = list(extracted.items)
        except Exception as exc:  # one broken document is scored as finding nothing
            scores.append(score_document(name, expected["styles"], expected["items"], []))
            scores[-1].misses.insert(0, f"{name}: extraction failed: {type(exc).__name__}: {exc}")
            continue
        score = score_document(name, expected["styles"], expected["items"], got_items)
        postmortem_checks(name, expected["postmortem"], extracted.postmortem, score)
        scores.append(score)
    return scores


def postmortem_checks(
    name: str, want: dict[str, Any], got: Postmortem, score: DocumentScore
) -> None:
    """The document's metadata the expected file states (title, date, ...), one check a key."""
    for key, want_value in want.items():
        got_value = getattr(got, key)
        right = comparable(key, want_value) == comparable(key, got_value)
        score.tally.compared[POSTMORTEM] += 1
        score.tally.right[POSTMORTEM] += right
        if not right:
            score.misses.append(
                f"{name}: postmortem.{key}: expected {want_value!r}, got {got_value!r}"
            )


def test_corpus_score() -> None:
    scores = extract_corpus()
    summary = report(scores)
    misses = [miss for score in scores for miss in score.misses]
    print("\n" + summary)
    print("\n".join(["misses:", *(f"  {miss}" for miss in misses)]) if misses else "no misses")
    failed = failures(scores)
    listed = "\n  ".join(misses[:MISSES_IN_MESSAGE])
    more = (
        f"\n  ... and {len(misses) - MISSES_IN_MESSAGE} more (pytest -s)"
        if (len(misses) > MISSES_IN_MESSAGE)
        else ""
    )
    assert failed == [], f"{'; '.join(failed)}\n{summary}\nmisses:\n  {listed}{more}"


# --- the scorer checks itself --------------------------------------------------------------


def rebuilt_items(expected: dict[str, Any], *, parts_one_per_item: bool) -> list[RawItem]:
    """What a perfect extractor returns, as RawItems, with parents written either way."""
    items = []
    for want in expected["items"]:
        base = raw_item_from_expected(want)
        if PARTS not in want:
            items.append(base)
        elif parts_one_per_item:
            parent = want["title"].rstrip(" :")
            items += [dataclasses.replace(base, title=f"{parent} {part}") for part in want[PARTS]]
        else:
            joined = ", ".join(want[PARTS])
            items.append(dataclasses.replace(base, title=f"{want['title'].rstrip(' :')}: {joined}"))
    return items


@pytest.mark.parametrize("parts_one_per_item", [False, True], ids=["parts_joined", "per_part"])
def test_scorer_gives_full_marks_to_what_the_expected_files_state(
    parts_one_per_item: bool,
) -> None:
    scores = []
    for document in ALL_DOCUMENTS:
        expected = load_expected(document)
        got = rebuilt_items(expected, parts_one_per_item=parts_one_per_item)
        scores.append(
            score_document(document_name(document), expected["styles"], expected["items"], got)
        )
    misses = [miss for score in scores for miss in score.misses]
    assert misses == []
    assert failures(scores) == []
    overall = family_tallies(scores)[ALL][1]
    assert (overall.recall, overall.precision, overall.field_accuracy) == (1.0, 1.0, 1.0)


def test_scorer_counts_each_kind_of_miss() -> None:
    want = [
        {
            "title": "Add alerting on replication lag",
            "section": "Action items",
            "owner": "@ana",
            "due": "2026-12-01",
            "done": False,
            "refs": ["DB-12"],
        },
        {
            "title": "Rotate the signing keys",
            "section": "Action items",
            "owner": None,
            "due": None,
            "done": True,
            "status": "DONE",
        },
        {
            "title": "Add dashboards for",
            "section": "Action items",
            "owner": None,
            "due": None,
            "done": False,
            "parts": ["queue lag", "error rate"],
        },
        {
            "title": "Write the runbook",
            "section": "Action items",
            "owner": None,
            "due": None,
            "done": False,
        },
    ]
    got = [
        RawItem(
            title="Add alerting on replication lag see (",
            section="Action items",
            line=3,
            owner_text="@ana",
            due_text="2026-12-01",
            tracker_refs=("DB-12",),
        ),
        RawItem(title="Rotate the signing keys", section="Lessons", line=4, done=False),
        RawItem(title="Add dashboards for", section="Action items", line=5),
        RawItem(title="queue lag", section="Action items", line=6),
        RawItem(title="Add dashboards for error rate", section="Action items", line=7),
    ]
    score = score_document("doc.md", ["parent_with_parts"], want, got)
    tally = score.tally
    # Found: the alert (its title is close enough) and the keys; not the dashboards (queue lag
    # is only a bare fragment), not the runbook.
    assert (tally.expected, tally.found) == (4, 2)
    # Matched: the alert, the keys, and the dashboards item that carries a part.
    assert (tally.extracted, tally.matching) == (5, 3)
    assert tally.right["title"] == 1 and tally.compared["title"] == 2  # the alert keeps "see ("
    assert tally.right["section"] == 2 and tally.compared["section"] == 3
    assert tally.right["done"] == 2 and tally.compared["done"] == 3
    assert tally.compared["status"] == 1 and tally.right["status"] == 0
    assert any("lacks parts ['queue lag']" in miss for miss in score.misses)
    assert any("not found: [Action items] 'Write the runbook'" in miss for miss in score.misses)
    assert any("not expected: [Action items] 'queue lag'" in miss for miss in score.misses)
    assert failures([score]) != []
    assert "recall 0.500" in report([score])


def test_scorer_scores_a_document_the_extractor_cannot_read_as_finding_nothing() -> None:
    want = [
        {"title": "Add a canary", "section": "Actions", "owner": None, "due": None, "done": False}
    ]
    score = score_document("doc.md", ["plain_line_actions"], want, [])
    assert (score.tally.recall, score.tally.precision) == (0.0, 1.0)
    negative = score_document(
        "empty.md",
        ["no_action_items"],
        [],
        [
            RawItem(title="{{ summary }}", section="Action items", line=1),
        ],
    )
    assert (negative.tally.recall, negative.tally.precision) == (1.0, 0.0)


def test_extracted_document_shape_is_what_the_scorer_reads() -> None:
    # The scorer reads RawItem attributes by name; a renamed attribute must fail here, not
    # silently score every field as wrong.
    item = RawItem(title="t", section="s", line=1)
    document = ExtractedDocument(
        postmortem=Postmortem(
            source=SOURCE_NAME, document="d.md", title="t", date=None, date_origin=None
        ),
        items=(item,),
        problems=(),
    )
    for attribute in SCORED_FIELDS.values():
        assert hasattr(document.items[0], attribute)


def test_scorer_checks_the_document_metadata_the_expected_file_states() -> None:
    score = score_document("doc.md", ["date_line"], [], [])
    got = Postmortem(
        source=SOURCE_NAME,
        document="doc.md",
        title="Outage",
        date=dt.date(2026, 3, 2),
        date_origin="date_line",
    )
    want = {"title": "Outage", "date": "2026-03-01", "date_origin": "date_line"}
    postmortem_checks("doc.md", want, got, score)
    assert (score.tally.right[POSTMORTEM], score.tally.compared[POSTMORTEM]) == (2, 3)
    assert score.misses == [
        "doc.md: postmortem.date: expected '2026-03-01', got datetime.date(2026, 3, 2)"
    ]
