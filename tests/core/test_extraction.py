from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from syncd.model import (
    DocumentFailure,
    ExtractedDocument,
    KnownItem,
    Postmortem,
    RawItem,
    Status,
)
from syncd.reconcile.team_items import SourceOutcome, build_team_items
from syncd.resolve.people import PeopleDirectory, Person
from syncd.resolve.resolver import ResolvePolicy

TODAY = date(2026, 11, 21)
PEOPLE = PeopleDirectory([Person("alice", aliases=("Alice Smith",))])
POLICY = ResolvePolicy(due_days={"P0": 7, "default": 56})


def doc(path: str, *titles: str, dated: date | None = date(2026, 9, 1)) -> ExtractedDocument:
    pm = Postmortem("pm", path, f"Postmortem {path}", dated, "front_matter" if dated else None)
    items = tuple(
        RawItem(t, "Action Items", 10 + i, owner_text="@alice") for i, t in enumerate(titles)
    )
    return ExtractedDocument(pm, items)


def known(path: str, item_id: str, title: str) -> KnownItem:
    return KnownItem(item_id, "pm", path, title, "Action Items", 10, Status.OPEN)


def build(outcomes: list[SourceOutcome], knowns: list[KnownItem], first_seen=None):  # type: ignore[no-untyped-def]
    return build_team_items(
        "payments", outcomes, knowns, first_seen or {}, today=TODAY, people=PEOPLE, policy=POLICY
    )


def test_items_are_resolved_and_identified() -> None:
    reading = build([SourceOutcome("pm", (doc("a.md", "Rotate the TLS certificate"),))], [])
    (item,) = reading.items
    assert item.owner.person == "alice"
    assert item.due.date == date(2026, 10, 27)  # 56 days after the postmortem
    assert len(item.id) == 16


def test_a_deleted_document_orphans_its_items() -> None:
    reading = build(
        [SourceOutcome("pm", (doc("a.md", "Rotate the TLS certificate"),))],
        [known("gone.md", "id-gone", "Add an alert")],
    )
    assert [k.id for k in reading.orphaned] == ["id-gone"]


def test_a_failed_document_or_folder_or_source_orphans_nothing() -> None:
    failures = (
        DocumentFailure("pm", "broken.md", "not valid UTF-8"),
        DocumentFailure("pm", "locked/", "permission denied"),
    )
    reading = build(
        [SourceOutcome("pm", (), failures), SourceOutcome("wiki", error="unreachable")],
        [
            known("broken.md", "id-1", "Add an alert"),
            known("locked/2026/x.md", "id-2", "Cap the pool"),
            KnownItem("id-3", "wiki", "page-1", "Write a runbook", "", 1, Status.OPEN),
        ],
    )
    assert reading.orphaned == ()
    assert reading.source_errors == {"wiki": "unreachable"}
    assert len(reading.failures) == 2


def test_an_undated_postmortem_is_dated_by_when_it_was_first_seen() -> None:
    first_seen = {("pm", "a.md"): datetime(2026, 10, 1, 8, 0, tzinfo=UTC)}
    reading = build(
        [SourceOutcome("pm", (doc("a.md", "Rotate the TLS certificate", dated=None),))],
        [],
        first_seen,
    )
    assert reading.documents[0].postmortem.date == date(2026, 10, 1)
    assert reading.documents[0].postmortem.date_origin == "first_seen"
    assert reading.items[0].due.date == date(2026, 11, 26)
    new = build([SourceOutcome("pm", (doc("b.md", "Rotate the TLS certificate", dated=None),))], [])
    assert new.documents[0].postmortem.date == TODAY


def test_the_same_title_in_two_documents_gets_two_ids() -> None:
    reading = build(
        [SourceOutcome("pm", (doc("a.md", "Add an alert"), doc("b.md", "Add an alert")))], []
    )
    assert len({i.id for i in reading.items}) == 2


def test_a_renamed_file_keeps_its_items_ids() -> None:
    before = build([SourceOutcome("pm", (doc("a.md", "Rotate the TLS certificate"),))], [])
    [item] = before.items
    stored = KnownItem(
        item.id,
        "pm",
        "a.md",
        item.title,
        "Action Items",
        10,
        Status.OPEN,
        postmortem_title="Postmortem a.md",
        postmortem_date=date(2026, 9, 1),
    )
    renamed = doc("2026/a-renamed.md", "Rotate the TLS certificate", "Cap the pool at 200")
    after = build([SourceOutcome("pm", (renamed,))], [stored])
    assert after.items[0].id == item.id
    assert after.items[1].id != item.id
    assert after.orphaned == ()
    assert after.matches[item.id].value == "moved"


def test_a_renamed_source_keeps_its_items_and_a_removed_source_orphans_them() -> None:
    stored = KnownItem(
        "id-1",
        "old-name",
        "a.md",
        "Rotate the TLS certificate",
        "Action Items",
        10,
        Status.OPEN,
        postmortem_title="Postmortem a.md",
        postmortem_date=date(2026, 9, 1),
    )
    gone = dataclasses.replace(stored, id="id-2", title="Write the failover runbook")
    reading = build(
        [SourceOutcome("pm", (doc("a.md", "Rotate the TLS certificate"),))], [stored, gone]
    )
    assert [i.id for i in reading.items] == ["id-1"]
    assert [k.id for k in reading.orphaned] == ["id-2"]
