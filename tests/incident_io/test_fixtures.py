"""What the source makes of each fixture incident: its postmortem and every item's fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from syncd.connector.model import ExtractedDocument, RawItem
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import documents, make_source, read


def _doc(tmp_path: Path, fake: FakeIncidentIo, incident_id: str) -> ExtractedDocument:
    return documents(read(make_source(fake, tmp_path)))[f"incident.io:{incident_id}"]


def _item(document: ExtractedDocument, native_id: str) -> RawItem:
    return next(i for i in document.items if i.native_id == native_id)


def test_every_incident_with_follow_ups_is_a_document_and_no_other(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    found = read(make_source(fake, tmp_path))
    assert all(isinstance(r, ExtractedDocument) for r in found.values())
    references = sorted(d.postmortem.incident or "" for d in documents(found).values())
    # 103 has no follow-ups; 107 is a test incident, left out unless asked for.
    assert references == [f"INC-{n}" for n in (101, 102, 104, 105, 106, 108, 109, 110, 111, 112)]


def test_the_postmortem_is_the_incident(tmp_path: Path, fake: FakeIncidentIo) -> None:
    postmortem = _doc(tmp_path, fake, "01HQ0CHECKOUTLATENCY0000101").postmortem
    assert postmortem.source == "incidents"
    assert postmortem.title == "Checkout latency spike after Redis failover"
    assert postmortem.incident == "INC-101"
    assert postmortem.date == date(2024, 1, 10)
    assert postmortem.severity == "Critical"
    assert postmortem.url == "https://app.incident.io/acme/incidents/101"


def test_a_follow_up_exported_to_jira_names_its_issue(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ0CHECKOUTLATENCY0000101")
    item = _item(document, "01HQ0FU0000000000000000101")
    assert item.title == "Add an alert on Redis replication lag"
    assert item.owner_text == "alice@acme.com"
    assert item.priority_text == "High"
    assert item.status_text == "outstanding"
    assert item.done is False
    assert item.detail == "Page the on-call when lag exceeds 5 s for 2 minutes."
    assert item.tracker_refs == ("https://acme.atlassian.net/browse/PAY-123", "PAY-123")
    assert item.section == "Follow-ups"
    assert item.line == 1


def test_completed_and_unassigned_follow_ups(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ0CHECKOUTLATENCY0000101")
    completed = _item(document, "01HQ0FU0000000000000000102")
    assert (completed.done, completed.status_text, completed.priority_text) == (
        True,
        "completed",
        "Urgent",
    )
    unassigned = _item(document, "01HQ0FU0000000000000000103")
    assert (unassigned.owner_text, unassigned.priority_text, unassigned.tracker_refs) == (
        None,
        None,
        (),
    )


def test_a_follow_up_exported_to_github_and_one_not_doing(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    document = _doc(tmp_path, fake, "01HQ1WEBHOOKBACKLOG00000102")
    exported = _item(document, "01HQ1FU0000000000000000201")
    assert exported.tracker_refs == (
        "https://github.com/acme/payments/issues/45",
        "acme/payments#45",
    )
    declined = _item(document, "01HQ1FU0000000000000000202")
    assert (declined.done, declined.status_text) == (True, "not doing")
    assert declined.detail is not None and declined.detail.startswith("Decided against")


def test_not_doing_may_count_as_open(tmp_path: Path, fake: FakeIncidentIo) -> None:
    found = documents(read(make_source(fake, tmp_path, not_doing="open")))
    declined = _item(found["incident.io:01HQ1WEBHOOKBACKLOG00000102"], "01HQ1FU0000000000000000202")
    assert (declined.done, declined.status_text) == (False, "not doing")


def test_unicode_survives(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ3EXPORTCSV0000000000104")
    assert document.postmortem.title == "Export CSV cassé pour les clients — 顧客データ"
    assert document.postmortem.date == date(2024, 5, 7)
    titles = [i.title for i in document.items]
    assert titles == [
        "Valider l'encodage UTF-8 des exports (é, ñ, 日本語)",
        "Ajouter un test de bout en bout pour l'export 📄",
    ]
    assert [i.owner_text for i in document.items] == ["carol@acme.com", "zoe.kowalczyk@acme.com"]


def test_issues_of_other_trackers_are_no_references(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ4SEARCHINDEX000000000105")
    assert [i.tracker_refs for i in document.items] == [(), ()]


def test_a_retrospective_incident_is_read(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ5CERTEXPIRY00000000106")
    assert [(i.title, i.done) for i in document.items] == [
        ("Move the status page certificate to automatic renewal", True)
    ]


def test_a_deleted_follow_up_is_no_item(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ7KAFKAREBALANCE000000108")
    assert [i.native_id for i in document.items] == [
        "01HQ7FU0000000000000000801",
        "01HQ7FU0000000000000000803",
    ]
    # An assignee without an e-mail is named as incident.io shows them.
    assert document.items[1].owner_text == "Dave (contractor)"
    assert document.items[1].line == 3


def test_jira_server_exports_and_markdown_descriptions(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    document = _doc(tmp_path, fake, "01HQ8LOGINOUTAGE0000000109")
    assert _item(document, "01HQ8FU0000000000000000902").tracker_refs == (
        "https://jira.acme.internal/browse/OPS-77",
        "OPS-77",
    )
    detail = _item(document, "01HQ8FU0000000000000000901").detail
    assert (
        detail is not None and detail.splitlines()[0] == "- Inventory every SAML/OIDC signing cert"
    )
    assert _item(document, "01HQ8FU0000000000000000903").owner_text is None


def test_an_incident_without_severity(tmp_path: Path, fake: FakeIncidentIo) -> None:
    document = _doc(tmp_path, fake, "01HQ9DISKFULL00000000000110")
    assert document.postmortem.severity is None
    assert [i.done for i in document.items] == [False, True]


@pytest.mark.parametrize(
    ("incident_id", "count"),
    [("01HQADEPLOYFREEZE0000000111", 3), ("01HQBCDNPURGE0000000000112", 1)],
)
def test_the_other_fixtures_give_every_follow_up(
    tmp_path: Path, fake: FakeIncidentIo, incident_id: str, count: int
) -> None:
    document = _doc(tmp_path, fake, incident_id)
    assert len(document.items) == count
    assert not document.problems
    assert all(i.native_id and i.title for i in document.items)


def test_a_status_incident_io_adds_later_is_shown_and_open(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    fake.state.edit_follow_up("01HQ0FU0000000000000000102", status="in_review")
    document = _doc(tmp_path, fake, "01HQ0CHECKOUTLATENCY0000101")
    item = _item(document, "01HQ0FU0000000000000000102")
    assert (item.status_text, item.done) == ("in_review", False)
    assert not document.problems
