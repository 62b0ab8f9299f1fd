"""What an item looks like as an issue (CONTRACT §5), and that it renders the same every time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from syncd.mirror import desired_issue, summary_text
from syncd.mirror.render import FOOTER, SUMMARY_LIMIT
from syncd.model import (
    ActionItem,
    DueDate,
    DueOrigin,
    Owner,
    Postmortem,
    Priority,
    Status,
    TrackerRef,
)

POSTMORTEM = Postmortem(
    source="pm-repo",
    document="2026-03-01-db-failover.md",
    title="Ledger DB failover",
    date=date(2026, 3, 1),
    date_origin="filename",
    severity="SEV-1",
)
ITEM = ActionItem(
    id="it-42",
    team="payments",
    postmortem=POSTMORTEM,
    title="Add an alert on replication lag > 30 s",
    section="Action Items",
    line=42,
    owner=Owner(written="@alice", person="alice", via="handle"),
    due=DueDate(date=date(2026, 6, 30), origin=DueOrigin.DOCUMENT, written="end of Q2"),
    priority=Priority.P1,
    type=None,
    status=Status.OPEN,
    tracker_ref=None,
)
PRIORITIES = {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"}
LINK = "https://git.example/postmortems/2026-03-01-db-failover.md"
LABELS = frozenset({"postmortem-action"})


def _render(item: ActionItem = ITEM, **overrides: object):  # type: ignore[no-untyped-def]
    arguments: dict[str, object] = {
        "marker": f"syncd-{item.id}",
        "assignee": "acc-alice",
        "priority_map": PRIORITIES,
        "labels": LABELS,
        "mirror_done_items": False,
        "postmortem_link": LINK,
    }
    arguments.update(overrides)
    return desired_issue(item, **arguments)  # type: ignore[arg-type]


def test_an_item_becomes_the_issue_contract_5_describes() -> None:
    wanted = _render()
    assert wanted.item_id == "it-42" and wanted.marker == "syncd-it-42"
    assert wanted.fields.summary == ITEM.title
    assert wanted.fields.assignee == "acc-alice" and wanted.assignee_known
    assert wanted.fields.due == date(2026, 6, 30)
    assert wanted.fields.priority == "High"
    assert wanted.fields.labels == LABELS
    assert not wanted.done_in_source and wanted.create_if_missing
    assert wanted.referenced_key is None


def test_the_description_says_what_where_who_when_and_how_it_is_kept() -> None:
    text = _render(
        replace(ITEM, detail="Page the DB on-call, not the app team.")
    ).fields.description
    assert text == (
        "Add an alert on replication lag > 30 s\n\n"
        "Page the DB on-call, not the app team.\n\n"
        'From the postmortem "Ledger DB failover" (2026-03-01, severity SEV-1):\n'
        f"{LINK}\n\n"
        "Owner as written: @alice\n"
        "Due date as written: end of Q2 (2026-06-30)\n\n"
        f"{FOOTER}"
    )
    assert "summary, assignee or due date changed here is kept" in FOOTER
    assert "the postmortem is the place to change the action text" in FOOTER


def test_without_a_link_the_description_names_the_document() -> None:
    text = _render(postmortem_link=None).fields.description
    assert "pm-repo: 2026-03-01-db-failover.md" in text
    with_url = replace(ITEM, postmortem=replace(POSTMORTEM, url="https://wiki.example/pm/1"))
    assert "https://wiki.example/pm/1" in _render(with_url, postmortem_link=None).fields.description


def test_an_unnamed_owner_and_a_policy_date_are_said_so() -> None:
    item = replace(
        ITEM,
        owner=Owner(written=None, person=None),
        due=DueDate(date=date(2026, 4, 26), origin=DueOrigin.POLICY, written="TBD"),
    )
    text = _render(item, assignee=None).fields.description
    assert "Owner as written: not named" in text
    assert "Due date as written: TBD (the team's policy sets 2026-04-26)" in text


def test_rendering_is_deterministic_and_ignores_where_the_item_sits() -> None:
    first = _render()
    assert _render() == first
    moved = replace(ITEM, line=7, section="Follow-ups", flags=frozenset())
    assert _render(moved) == first
    assert _render(moved).fields.description.encode() == first.fields.description.encode()


def test_an_unresolved_owner_leaves_syncd_without_an_opinion() -> None:
    wanted = _render(assignee=None)
    assert wanted.fields.assignee is None and not wanted.assignee_known


@pytest.mark.parametrize(
    ("priority", "expected"), [(Priority.P0, "Highest"), (Priority.P3, "Low"), (None, None)]
)
def test_priority_goes_through_the_team_s_map(
    priority: Priority | None, expected: str | None
) -> None:
    assert _render(replace(ITEM, priority=priority)).fields.priority == expected


def test_a_priority_missing_from_the_map_is_not_set() -> None:
    assert _render(priority_map={"P0": "Blocker"}).fields.priority is None


@pytest.mark.parametrize(("mirror_done", "expected"), [(False, False), (True, True)])
def test_done_items_are_created_only_when_policy_mirrors_them(
    mirror_done: bool, expected: bool
) -> None:
    wanted = _render(replace(ITEM, status=Status.DONE), mirror_done_items=mirror_done)
    assert wanted.done_in_source and wanted.create_if_missing is expected


def test_a_reference_in_the_document_is_to_be_adopted() -> None:
    item = replace(ITEM, tracker_ref=TrackerRef(system="jira", key="PAY-123"))
    assert _render(item).referenced_key == "PAY-123"
    assert _render(item, tracker_system="jira").referenced_key == "PAY-123"
    github_ref = replace(ITEM, tracker_ref=TrackerRef(system="github", key="#45"))
    assert _render(github_ref, tracker_system="jira").referenced_key is None


# -- the summary --------------------------------------------------------------------------


def test_a_short_summary_is_the_action_on_one_line() -> None:
    assert summary_text("Add  an alert\non lag\t") == "Add an alert on lag"


@pytest.mark.parametrize("length", [SUMMARY_LIMIT - 1, SUMMARY_LIMIT])
def test_a_summary_at_the_limit_is_whole(length: int) -> None:
    text = ("word " * 100)[: length - 1] + "x"
    assert len(text) == length
    assert summary_text(text) == text


def test_a_long_summary_is_cut_at_a_word_boundary_and_whole_in_the_description() -> None:
    words = [f"step{n}" for n in range(80)]
    action = " ".join(words)  # about 470 characters
    summary = summary_text(action)
    assert len(summary) <= SUMMARY_LIMIT
    assert summary.endswith("…")
    kept = summary[:-1].split(" ")
    assert kept == words[: len(kept)]  # whole words only
    assert len(summary) > SUMMARY_LIMIT - len("step79 ") - 1  # and as many as fit
    assert action in _render(replace(ITEM, title=action)).fields.description


def test_a_cut_exactly_at_a_space_keeps_the_last_whole_word() -> None:
    action = "a" * 253 + " " + "b" * 10
    assert summary_text(action) == "a" * 253 + "…"


def test_trailing_punctuation_is_not_left_before_the_ellipsis() -> None:
    action = "x" * 240 + ", and then " + "y" * 40
    assert summary_text(action) == "x" * 240 + ", and then…"
    assert summary_text("z" * 240 + ", " + "w" * 40) == "z" * 240 + "…"


def test_one_endless_word_is_cut_hard() -> None:
    summary = summary_text("https://example.org/" + "p" * 400)
    assert len(summary) == SUMMARY_LIMIT and summary.endswith("…")


def test_an_empty_title_still_gives_a_summary() -> None:
    assert _render(replace(ITEM, title="   ")).fields.summary == "Action item it-42"
