"""An item naming an issue syncd cannot adopt is reported with its title, where it is written and
the reference, in words that say what to do; the cause decides the words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from syncd.cycle.tracker_errors import reference_problem
from syncd.http import HttpError, NotFoundError, PermanentError, TransientError
from syncd.mirror.model import IssueFields
from syncd.mirror.operations import AdoptIssue
from syncd.model import ActionItem, ExtractedDocument, Postmortem, RawItem
from syncd.reconcile.team_items import SourceOutcome, build_team_items
from syncd.resolve.people import PeopleDirectory
from syncd.resolve.resolver import ResolvePolicy

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
URL = "https://jira.example.com/rest/api/2/issue/PAY-999"


def _item() -> ActionItem:
    pm = Postmortem("pm", "2026/checkout.md", "Checkout outage", date(2026, 9, 14), "front_matter")
    raw = RawItem("Rotate the pool credentials (PAY-999)", "Action Items", 12)
    reading = build_team_items(
        "payments",
        [SourceOutcome("pm", [ExtractedDocument(pm, (raw,))])],
        [],
        {},
        today=NOW.date(),
        people=PeopleDirectory([]),
        policy=ResolvePolicy(due_days={"default": 56}),
    )
    [item] = reading.items
    return item


def _adopt(item: ActionItem) -> AdoptIssue:
    fields = IssueFields("x", "x", None, None, None, frozenset())
    return AdoptIssue(item.id, "PAY-999", frozenset(), True, fields)


NAMED = "the item 'Rotate the pool credentials (PAY-999)' (2026/checkout.md line 12) names PAY-999"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            NotFoundError(
                "Jira has no issue PAY-999, or syncd's account cannot see it",
                service="jira",
                method="PUT",
                url=URL,
                status=404,
            ),
            f"{NAMED}, but Jira has no issue PAY-999, or syncd's account cannot see it: correct "
            "the reference in the document, or remove it to have syncd create an issue",
        ),
        (
            PermanentError(
                "HTTP 400: labels: Field 'labels' cannot be set",
                service="jira",
                method="PUT",
                url=URL,
                status=400,
            ),
            f"{NAMED}, which syncd cannot adopt: HTTP 400: labels: Field 'labels' cannot be set "
            f"(PUT {URL})",
        ),
        (
            TransientError(
                "HTTP 503", service="jira", method="PUT", url=URL, status=503, attempts=4
            ),
            f"{NAMED}; adopting it failed, tried again next cycle: HTTP 503 (PUT {URL}, "
            "4 attempts)",
        ),
        (
            TransientError(
                "connect_failed (ConnectionRefusedError)",
                service="jira",
                method="PUT",
                url=URL,
                attempts=4,
                failure="connect_failed",
                cause="ConnectionRefusedError",
            ),
            f"{NAMED}; adopting it failed, tried again next cycle: jira.example.com refused the "
            f"connection (is anything listening there?) (PUT {URL}, 4 attempts)",
        ),
    ],
)
def test_the_cause_decides_the_words(error: HttpError, message: str) -> None:
    item = _item()
    problem = reference_problem(_adopt(item), item, error)
    assert problem.message == message
    assert (problem.item_id, problem.key) == (item.id, "PAY-999")
    assert problem.details["reference"] == "PAY-999"
    assert (problem.details["document"], problem.details["line"]) == ("2026/checkout.md", 12)
    assert problem.details["request"] == f"PUT {URL}"
    assert problem.details.get("status") == error.status


def test_a_reference_refused_before_any_request_names_no_request() -> None:
    item = _item()
    error = PermanentError(
        "acme/other#3 is in another repository than the team's (acme/payments); syncd only "
        "mirrors into the team's repository",
        service="github",
        method="PATCH",
        url="https://github.com/acme/other/issues/3",
    )
    problem = reference_problem(_adopt(item), item, error)
    assert problem.message == f"{NAMED}, which syncd cannot adopt: {error.reason}"
    assert "request" not in problem.details and "status" not in problem.details


def test_an_item_no_longer_read_is_named_by_its_id() -> None:
    item = _item()
    error = NotFoundError("gone", service="jira", method="PUT", url=URL, status=404)
    problem = reference_problem(_adopt(item), None, error)
    assert problem.message.startswith(f"item {item.id} names PAY-999, but gone: ")
    assert "title" not in problem.details
