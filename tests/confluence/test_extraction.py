"""What each fixture page, written in a style people use in Confluence, gives: the items'
titles, owners, due dates, done, references and task ids, read as the markdown rules read the
same shapes."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.confluence.extract import PAGE_CREATED, PageMeta, extract_page
from syncd.connector.model import DocumentRejected, ExtractedDocument
from tests.confluence.support import fixture, fixture_names

ALICE = "confluence:557058:2f0e4b7c-1a2b-4c3d-9e8f-000000000a11"
BOB = "confluence:557058:2f0e4b7c-1a2b-4c3d-9e8f-000000000b22"
CREATED = date(2026, 1, 5)

# fixture -> [(title, owner as written, due as written, done, tracker refs)]
EXPECTED: dict[str, list[tuple[str, str | None, str | None, bool, tuple[str, ...]]]] = {
    "atlassian-postmortem-template.xml": [
        ("Canary configuration changes like code deploys", ALICE, "2026-12-15", False,
         ("PAY-812",)),
        ("Alert on connection-pool saturation above 80% for 5 minutes", BOB, "2027-01-15",
         False, ()),
        ("Show production peak load in config review", "Carol Diaz", "Q1 2027", False, ()),
    ],
    "code-block-and-entities.xml": [
        ("Remove --force from the deploy script & CI templates", "@mallory", "2026-06-01",
         False, ()),
        ("Add a pre-deploy health check gate", "Niaj", None, False, ()),
    ],
    "datacenter-user-keys.xml": [
        ("Make the LDAP sync job take a lock", "confluence:8a7f808a6c2b1234016c2b5678900001",
         "2026-08-01", False, ()),
        ("Alert when more than 10 accounts are disabled in an hour", "confluence:jdoe", None,
         False, ()),
        ("Document the manual re-enable procedure",
         "confluence:8a7f808a6c2b1234016c2b5678900002", "2026-08-15", False, ()),
    ],
    "expand-and-strikethrough.xml": [
        ("Revert the flag rule", "Judy", "2026-06-10", True, ()),
        ("Require two approvers for flags tagged risk", "Ken & Liam", "2026-07-31", False, ()),
    ],
    "free-table-status-macros.xml": [
        ("Automate certificate renewal with cert-manager", "Dave", "Dec 15, 2026", False, ()),
        ("Page on certificates expiring within 14 days", "Erin", "2026-11-20", True, ()),
        ("Inventory every certificate we serve", "TBD", "TBD", False, ()),
    ],
    "jira-macro-follow-ups.xml": [
        ("Add jitter to the mobile client's retries MOB-331", "Frank", None, False,
         ("MOB-331",)),
        ("Rate-limit per device at the gateway", None, "2026-12-01", False,
         ("GW-58", "https://acme.atlassian.net/browse/GW-58")),
        ("Decide on a retry budget for all clients", "Grace", "Q1 2027", False, ()),
    ],
    "layout-with-panels.xml": [
        ("Pin the consumer client to the broker's protocol version", "Heidi", "2026-09-30",
         False, ()),
        ("Add consumer-lag SLO for orders", "Ivan", "Q4 2026", False, ()),
    ],
    "narrative-only.xml": [],  # a task list under Timeline is narrative, as in markdown
    "no-actions.xml": [],
    "task-list-with-assignees.xml": [
        ("Add a lag alert on the indexer queue", BOB, "2026-11-20", False, ()),
        ("Roll back the migration", ALICE, None, True, ()),
        ("Run schema migrations in batches of 10k rows", None, "2027-01-10", False, ()),
    ],
    "unfilled-template.xml": [],  # placeholders are template instructions, not items
}  # fmt: skip


def _read(name: str, body: str | None = None) -> ExtractedDocument:
    meta = PageMeta("4242", "A postmortem", 3, CREATED, "doc-id", "https://wiki/x")
    return extract_page(body if body is not None else fixture(name), meta, source="wiki")


def test_every_fixture_has_its_expectation() -> None:
    assert sorted(EXPECTED) == fixture_names()
    assert len(EXPECTED) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_fixture_page_gives_its_items(name: str) -> None:
    extracted = _read(name)
    got = [(i.title, i.owner_text, i.due_text, i.done, i.tracker_refs) for i in extracted.items]
    assert got == EXPECTED[name]
    assert extracted.problems == ()


def test_the_atlassian_template_gives_type_priority_and_page_properties() -> None:
    extracted = _read("atlassian-postmortem-template.xml")
    assert [(i.type_text, i.priority_text) for i in extracted.items] == [
        ("Prevent", "P1"),
        ("Detect", "P2"),
        ("Process", "P3"),
    ]
    assert {i.section for i in extracted.items} == {"Corrective actions"}
    postmortem = extracted.postmortem
    assert (postmortem.date, postmortem.date_origin) == (date(2026, 11, 12), "date_line")
    assert (postmortem.severity, postmortem.service) == ("SEV2", "payments-api")


def test_the_page_gives_title_link_and_document_id() -> None:
    postmortem = _read("layout-with-panels.xml").postmortem
    assert postmortem.title == "A postmortem"  # the page's title, not its first heading
    assert (postmortem.document, postmortem.url) == ("doc-id", "https://wiki/x")


def test_a_page_without_a_date_line_is_dated_by_its_creation() -> None:
    postmortem = _read("no-actions.xml").postmortem
    assert (postmortem.date, postmortem.date_origin) == (CREATED, PAGE_CREATED)


def test_tasks_take_their_ids_as_native_ids() -> None:
    items = _read("task-list-with-assignees.xml").items
    # A task id is unique within its page: the page's document id scopes it to the source.
    assert [(i.native_id or "").split("#")[-1] for i in items] == [
        "task-0f8a2b4c-1d3e-4f5a-8b6c-7d8e9fa0b1c2",
        "task-1a9b3c5d-2e4f-4a6b-9c7d-8e9fa0b1c2d3",
        "task-2b0c4d6e-3f5a-4b7c-8d9e-9fa0b1c2d3e4",
    ]
    dc = _read("datacenter-user-keys.xml").items
    assert [i.native_id and i.native_id.split("#")[-1] for i in dc] == [
        "task-12",
        "task-13",
        None,
    ]  # a table row has none


def test_a_reworded_task_keeps_its_native_id() -> None:
    before = _read("task-list-with-assignees.xml").items[0]
    body = fixture("task-list-with-assignees.xml").replace(
        "Add a lag alert on the indexer queue", "Page when the indexer queue lags 5 minutes"
    )
    after = _read("", body).items[0]
    assert after.title == "Page when the indexer queue lags 5 minutes" != before.title
    assert after.native_id == before.native_id is not None


def test_a_pasted_task_does_not_repeat_an_id() -> None:
    task = (
        "<ac:task><ac:task-id>9</ac:task-id><ac:task-status>incomplete</ac:task-status>"
        "<ac:task-body>{}</ac:task-body></ac:task>"
    )
    body = (
        "<h2>Action items</h2><ac:task-list>"
        + task.format("Fix the pager rota")
        + task.format("Fix the status page")
        + "</ac:task-list>"
    )
    assert [i.native_id and i.native_id.split("#")[-1] for i in _read("", body).items] == [
        "task-9",
        None,
    ]


def test_an_owner_written_in_the_task_wins_over_a_mention() -> None:
    body = (
        "<h2>Action items</h2><ac:task-list><ac:task><ac:task-id>1</ac:task-id>"
        "<ac:task-status>incomplete</ac:task-status><ac:task-body>Rotate keys (owner: Olga) "
        '<ac:link><ri:user ri:account-id="557058:aa"/></ac:link></ac:task-body></ac:task>'
        "</ac:task-list>"
    )
    (item,) = _read("", body).items
    assert (item.title, item.owner_text) == ("Rotate keys", "Olga")


@pytest.mark.parametrize(
    "body",
    [
        "<h2>Action items</h2><ul><li>unclosed</ul>",
        "<p>&undefinedentity;</p>",
        '<!DOCTYPE x [<!ENTITY a "aaaa">]><p>&a;</p>',
        "<p>ok</p><x:unknown>prefix</x:unknown>",
    ],
)
def test_a_body_that_is_not_well_formed_is_refused_whole(body: str) -> None:
    with pytest.raises(DocumentRejected, match="not well-formed"):
        _read("", body)


def test_text_that_looks_like_markdown_stays_text() -> None:
    body = (
        "<h2>Action items</h2><ul><li>[x] not a checkbox | not a cell</li>"
        "<li># not a heading &lt;script&gt;</li></ul><p>- not a bullet</p>"
    )
    titles = [i.title for i in _read("", body).items]
    assert titles == ["[x] not a checkbox | not a cell", "# not a heading <script>"]


def test_a_table_with_merged_cells_keeps_its_columns() -> None:
    body = (
        "<h2>Action items</h2><table><tbody><tr><th>Action</th><th>Owner</th><th>Due</th></tr>"
        '<tr><td colspan="2">Shared runbook review</td><td>2026-12-01</td></tr>'
        "<tr><td>Fix alerts</td><td>Pat</td><td>2026-12-02</td></tr></tbody></table>"
    )
    items = _read("", body).items
    assert [(i.title, i.owner_text, i.due_text) for i in items] == [
        ("Shared runbook review", None, "2026-12-01"),
        ("Fix alerts", "Pat", "2026-12-02"),
    ]
