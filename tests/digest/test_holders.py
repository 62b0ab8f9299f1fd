"""Who the digest names beside an item: the tracker's assignee when a person reassigned the
issue there, the document's owners beside them; co-owners by name, never mentioned."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from connectors.discord import render_discord
from connectors.mattermost import render_mattermost
from connectors.msteams import render_teams
from connectors.slack import render_slack
from syncd.digest import (
    Digest,
    build_digest,
    digest_as_json,
    render_text,
)
from syncd.digest.model import OwnerRef
from syncd.judge import ItemState
from syncd.model import CoOwner, Owner, TrackerAssignee
from tests.digest.digest_support import strings
from tests.digest.team_fixture import CHAT_IDS, CHECKOUT, LAST_DIGEST, NOW, POLICY, item, state

BOB_IN_JIRA = TrackerAssignee("5b10ac8d82e05b22cc7d4ef6", "Bob Jones", "bob")
STRANGER = TrackerAssignee("5b10ac8d82e05b22cc7d4eff", "Zed Contractor", None)
OVERDUE = NOW.date() - timedelta(days=3)


def _digest(*states: ItemState) -> Digest:
    return build_digest(
        "payments", list(states), [CHECKOUT], POLICY, NOW, LAST_DIGEST, None, CHAT_IDS
    )


def _overdue_owner(digest: Digest) -> OwnerRef:
    (group,) = digest.overdue
    (entry,) = group.entries
    assert entry.owner is not None
    return entry.owner


def _slack_text(digest: Digest) -> str:
    return "\n".join(strings(render_slack(digest)))


def test_a_reassigned_issue_mentions_who_holds_it_and_names_the_documents_owner() -> None:
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    digest = _digest(state(action, tracker_assignee=BOB_IN_JIRA))
    owner = _overdue_owner(digest)
    assert (owner.person, owner.reassigned, owner.document_owner) == ("bob", True, "@alice")
    slack = _slack_text(digest)
    assert "<@U0BOB12345> (in the postmortem: @alice)" in slack
    assert "<@U012ABCDEF>" not in slack  # alice no longer holds it: not pinged
    assert "bob (in the postmortem: @alice)" in render_text(digest)


@pytest.mark.parametrize(
    ("render", "bob"),
    [
        (render_slack, "<@U0BOB12345>"),
        (render_teams, "<at>bob</at>"),
        (render_discord, "<@223456789012345678>"),
    ],
)
def test_every_channel_mentions_the_holder_not_the_document_owner(render: object, bob: str) -> None:
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    payload = render(_digest(state(action, tracker_assignee=BOB_IN_JIRA)))  # type: ignore[operator]
    text = "\n".join(strings(payload))
    assert bob in text
    # alice's ids appear nowhere: not in a mention, not in Teams' entities or Discord's pings
    alice = {CHAT_IDS["alice"][kind] for kind in ("slack", "teams", "discord")}
    assert not any(ident in text for ident in alice)


def test_the_holder_is_the_documents_owner_nothing_is_added() -> None:
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    alice = TrackerAssignee("5b10ac8d82e05b22cc7d4ef5", "Alice Smith", "alice")
    digest = _digest(state(action, tracker_assignee=alice))
    owner = _overdue_owner(digest)
    assert not owner.reassigned and owner.person == "alice"
    assert "in the postmortem" not in render_text(digest)
    assert "<@U012ABCDEF>" in _slack_text(digest)


def test_an_assignee_not_in_the_people_map_is_named_and_not_mentioned() -> None:
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    digest = _digest(state(action, tracker_assignee=STRANGER))
    owner = _overdue_owner(digest)
    assert (owner.written, owner.person, owner.chat_ids) == ("Zed Contractor", None, ())
    slack = _slack_text(digest)
    assert "Zed Contractor (in the postmortem: @alice)" in slack
    assert "<@" not in slack
    discord = render_discord(digest)
    assert discord["allowed_mentions"]["users"] == []


def test_an_assignee_without_a_name_is_named_by_the_trackers_id() -> None:
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    unnamed = TrackerAssignee("zed-gh", None, None)
    assert _overdue_owner(_digest(state(action, tracker_assignee=unnamed))).written == "zed-gh"


def test_an_unowned_item_someone_took_in_the_tracker_is_no_longer_unowned() -> None:
    action = item(
        "Write runbook for checkout-api pool exhaustion", CHECKOUT, owner=None, due=OVERDUE
    )
    unowned = _digest(state(action))
    assert [e.reasons for e in unowned.attention] == [("no owner",)]
    taken = _digest(state(action, tracker_assignee=BOB_IN_JIRA))
    assert taken.attention == ()
    assert "<@U0BOB12345> (in the postmortem: no owner)" in _slack_text(taken)


def test_co_owners_follow_the_assignees_mention_by_name() -> None:
    owner = Owner(
        written="@alice, @bob and Frank",
        person="alice",
        co_owners=(CoOwner("@bob", "bob"), CoOwner("Frank", None)),
    )
    action = replace(item("Load-test checkout at 3x", CHECKOUT, due=OVERDUE), owner=owner)
    digest = _digest(state(action))
    assert _overdue_owner(digest).co_owners == ("bob", "Frank")
    slack = _slack_text(digest)
    assert "<@U012ABCDEF> with bob, Frank" in slack
    assert "<@U0BOB12345>" not in slack  # a co-owner is named, never pinged
    # without a mention, the owners are shown as written
    assert "@alice, @bob and Frank" in render_text(digest)
    assert "@alice.k" not in "\n".join(strings(render_mattermost(digest)))


def test_the_webhook_json_says_who_holds_the_item() -> None:
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    data = digest_as_json(_digest(state(action, tracker_assignee=BOB_IN_JIRA)))
    (entry,) = data["overdue"][0]["items"]
    assert entry["owner"] == {
        "written": "bob",
        "person": "bob",
        "co_owners": [],
        "reassigned": True,
        "document_owner": "@alice",
    }


CLEARED = TrackerAssignee("", None, None)


def test_an_assignee_removed_in_the_tracker_is_nobody_and_the_document_owner_is_not_pinged() -> (
    None
):
    action = item("Write runbook for checkout-api pool exhaustion", CHECKOUT, due=OVERDUE)
    digest = _digest(state(action, tracker_assignee=CLEARED))
    owner = _overdue_owner(digest)
    assert (owner.person, owner.reassigned, owner.document_owner) == (None, True, "@alice")
    assert "nobody (unassigned in the tracker) (in the postmortem: @alice)" in render_text(digest)
    slack = _slack_text(digest)
    assert "<@U012ABCDEF>" not in slack  # alice no longer holds it: not pinged
    assert "nobody (unassigned in the tracker)" in slack
