"""Origins (``syncd.mirror.origin``), GitHub's origin line, and known items rebuilt from issues."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from connectors.github import issues as gh
from syncd.cycle.recovery import known_items_of_issues, own_issues
from syncd.mirror.model import IssueFields, IssueOrigin, IssueSnapshot
from syncd.mirror.origin import (
    origin_json,
    origin_line,
    origin_of_json,
    origin_of_line,
    postmortem_of_description,
)
from syncd.model import Status

ORIGIN = IssueOrigin(
    "abc123",
    "pm",
    "2026/checkout.md",
    "Stop the <!-- comment --> from ending -- early",
    'Checkout "outage"',
    date(2026, 3, 1),
    "payments",
)


def test_an_origin_survives_json_and_the_hidden_line() -> None:
    assert origin_of_json(origin_json(ORIGIN)) == ORIGIN
    line = origin_line(ORIGIN)
    assert line.startswith("<!-- syncd:origin=") and line.count("--") == 2  # one comment
    assert origin_of_line(line) == ORIGIN


@pytest.mark.parametrize(
    "value",
    [
        None,
        "text",
        {"item": 5},
        {"item": "", "source": "", "document": "", "title": "", "postmortem": ""},
    ],
)
def test_an_origin_someone_else_wrote_is_ignored(value: object) -> None:
    assert origin_of_json(value) is None


def test_a_broken_origin_line_is_ignored() -> None:
    assert origin_of_line("<!-- syncd:origin=!!! -->") is None
    assert origin_of_line("<!-- syncd:origin=bm90IGpzb24= -->") is None  # "not json"


def test_github_bodies_keep_the_origin_line_through_edits() -> None:
    body = gh.compose_body("Do it.", date(2026, 4, 1), gh.marker_line("abc123"), ORIGIN)
    parsed = gh.parse_body(body)
    assert (parsed.description, parsed.due, parsed.markers) == (
        "Do it.",
        date(2026, 4, 1),
        ("abc123",),
    )
    assert parsed.origin == ORIGIN
    edited = gh.with_body_changes(body, description="Do it now.", due=None)
    again = gh.parse_body(edited)
    assert (again.description, again.due, again.origin) == ("Do it now.", None, ORIGIN)


def test_the_postmortem_is_read_back_from_a_description_syncd_rendered() -> None:
    text = 'Do it.\n\nFrom the postmortem "Checkout outage" (2026-03-01, severity SEV2):\nhttps://x'
    assert postmortem_of_description(text) == ("Checkout outage", date(2026, 3, 1))
    assert postmortem_of_description("Someone rewrote this.") == (None, None)


def _snapshot(
    key: str, item_id: str | None, origin: IssueOrigin | None, **kw: object
) -> IssueSnapshot:
    fields = IssueFields(
        summary=str(kw.get("summary", "Stop the comment from ending early")),
        description=str(kw.get("description", "Stop the comment from ending early\n\nmore")),
        assignee=None,
        due=None,
        priority=None,
        labels=frozenset(),
    )
    return IssueSnapshot(
        key,
        item_id,
        fields,
        "done" if kw.get("done") else "new",
        None,
        False,
        datetime(2026, 3, 2, tzinfo=UTC) if key != "PAY-9" else datetime(2026, 3, 1, tzinfo=UTC),
        None,
        origin=origin,
    )


def test_known_items_are_rebuilt_from_marked_issues() -> None:
    rebuilt = known_items_of_issues(
        [
            _snapshot("PAY-1", "abc123", ORIGIN, summary="Renamed by a person", done=True),
            _snapshot("PAY-2", None, None),  # no marker: not syncd's
            _snapshot(
                "PAY-3",
                "old",
                None,
                description='Rotate certs\n\nFrom the postmortem "TLS expiry" (2026-02-01):\nx',
            ),
        ]
    )
    by_id = {r.item.id: r for r in rebuilt}
    assert sorted(by_id) == ["abc123", "old"]
    first = by_id["abc123"].item
    assert (first.source, first.document, first.title) == ("pm", "2026/checkout.md", ORIGIN.title)
    assert "Renamed by a person" in first.aliases and first.status is Status.DONE
    second = by_id["old"].item
    assert (second.source, second.title, second.postmortem_title) == (
        "",
        "Rotate certs",
        "TLS expiry",
    )
    assert second.postmortem_date == date(2026, 2, 1)


def test_a_marker_copied_to_a_second_issue_rebuilds_one_item_from_the_oldest() -> None:
    rebuilt = known_items_of_issues(
        [_snapshot("PAY-1", "abc123", ORIGIN), _snapshot("PAY-9", "abc123", ORIGIN)]
    )
    assert [(r.item.id, r.key) for r in rebuilt] == [("abc123", "PAY-9")]


def test_only_the_teams_own_issues_are_rebuilt() -> None:
    other = dataclasses.replace(ORIGIN, item_id="zzz", team="search")
    unnamed = dataclasses.replace(ORIGIN, item_id="yyy", team="")
    snapshots = [
        _snapshot("PAY-1", "abc123", ORIGIN),
        _snapshot("PAY-2", "zzz", other),
        _snapshot("PAY-3", "yyy", unnamed),
        _snapshot("PAY-4", "xxx", None),
    ]
    assert [s.key for s in own_issues(snapshots, "payments")] == ["PAY-1", "PAY-3", "PAY-4"]
