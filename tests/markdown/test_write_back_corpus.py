"""Write-back over the whole corpus: every item of every document gets a key (and, when asked,
its done mark); re-reading the document gives the same items with the same ids, each naming its
key, nothing else in the file changes, and a second pass changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.markdown.extract import extract_document
from connectors.markdown.write_back_document import edit_document, split_lines
from syncd.connector.write_back import EditOutcome, WriteBackEdit
from syncd.model import ExtractedDocument, KnownItem
from syncd.reconcile.team_items import SourceOutcome, TeamItems, build_team_items
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.resolver import ResolvePolicy

CORPUS = Path(__file__).parent.parent / "corpus"
DOCUMENTS = sorted(
    p
    for p in CORPUS.iterdir()
    if p.suffix in {".md", ".markdown", ".txt"} and p.name != "README.md"
)
TODAY = date(2026, 12, 1)


def _team_items(document: ExtractedDocument, known: list[KnownItem]) -> TeamItems:
    return build_team_items(
        "payments",
        [SourceOutcome("corpus", documents=(document,))],
        known,
        {},
        today=TODAY,
        people=PeopleDirectory([]),
        policy=ResolvePolicy(due_days={"default": 30}),
    )


def _known(reading: TeamItems) -> list[KnownItem]:
    return [
        KnownItem(i.id, i.source, i.document, i.title, i.section, i.line, i.status)
        for i in reading.items
    ]


def _edits(document: ExtractedDocument, *, done: bool) -> list[WriteBackEdit]:
    return [
        WriteBackEdit(
            item_id=f"item-{n}",
            document=document.postmortem.document,
            line=item.line,
            title=item.title,
            key=f"WBK-{900 + n}",
            url=f"https://jira.example.com/browse/WBK-{900 + n}",
            done=done,
        )
        for n, item in enumerate(document.items)
    ]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
@pytest.mark.parametrize("done", [False, True], ids=["key", "key_and_done"])
def test_every_item_takes_its_key_and_keeps_its_identity(path: Path, done: bool) -> None:
    text = path.read_bytes().decode("utf-8")
    before = extract_document(text, source="corpus", document=path.name)
    edits = _edits(before, done=done)
    edited = edit_document(text, edits, source="corpus", document=path.name)
    outcomes = {r.outcome for r in edited.results}
    assert outcomes <= {EditOutcome.WRITTEN, EditOutcome.FAILED}
    written = [
        e for e, r in zip(edits, edited.results, strict=True) if r.outcome is EditOutcome.WRITTEN
    ]
    failed = [r for r in edited.results if r.outcome is EditOutcome.FAILED]
    assert not failed
    after = extract_document(edited.text, source="corpus", document=path.name)
    # Only the written items' lines changed, byte for byte everything else stayed.
    old_lines, old_ends = split_lines(text)
    new_lines, new_ends = split_lines(edited.text)
    assert old_ends == new_ends
    changed = {n + 1 for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b}
    # Each written item changed its own line, or (its text running on over lines) its last one.
    starts = sorted(i.line for i in before.items)
    owners = set()
    for line in changed:
        owner = max(start for start in starts if start <= line)
        assert all(old_lines[n].strip() for n in range(owner - 1, line))  # one paragraph
        owners.add(owner)
    assert owners == {e.line for e in written}
    # The same items, the same ids; each written one names its key.
    first = _team_items(before, [])
    again = _team_items(after, _known(first))
    assert [i.id for i in again.items] == [i.id for i in first.items]
    assert [i.title for i in after.items] == [i.title for i in before.items]
    by_line = {i.line: i for i in after.items}
    for edit in written:
        assert edit.key in by_line[edit.line].tracker_refs
    # A second pass finds everything in place and changes nothing.
    second = edit_document(edited.text, written, source="corpus", document=path.name)
    assert second.text == edited.text
    assert {r.outcome for r in second.results} <= {EditOutcome.PRESENT}
