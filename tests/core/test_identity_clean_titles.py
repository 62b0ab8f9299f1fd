"""An upgrade that takes pointing references out of titles keeps every item's identity.

Before issue 17 point 3, "Rotate keys, see PAY-12" was read with its reference; now the title is
"Rotate keys". The store holds the old title, so the item must match it by similarity (or by
its wording without its own references) and keep its id, hence its issue.
"""

from __future__ import annotations

import pytest

from syncd.model import KnownItem, RawItem, Status
from syncd.reconcile.identity import MatchKind, match_document

TEAM, SOURCE, DOC = "payments", "pm", "2026-07-02-payouts.md"
GITHUB_URL = "https://github.com/acme/pay/issues/5"

# (title as read before, title as read now, the item's references)
UPGRADES = [
    ("Rotate the keys for shard 2, see PAY-12", "Rotate the keys for shard 2", ("PAY-12",)),
    ("PAY-1199: drain the stuck batch by hand and pay out the 3,100 merchants",
     "drain the stuck batch by hand and pay out the 3,100 merchants", ("PAY-1199",)),
    ("Add the payout queue to the weekly capacity review — see the GitHub issue",
     "Add the payout queue to the weekly capacity review", (GITHUB_URL,)),
    ("Rotate the keys for shard 0 see", "Rotate the keys for shard 0", ("PAY-10",)),
    ("Fix the race, see PAY-12", "Fix the race", ("PAY-12",)),
    # Too short for the token-set rule: matched by the old title without the reference.
    ("Rotate keys, see PAY-12", "Rotate keys", ("PAY-12",)),
    (f"Add alerting, see {GITHUB_URL}", "Add alerting", (GITHUB_URL,)),
    ("Rotate keys - jira PAY-14", "Rotate keys", ("PAY-14",)),
    # A link's text was the pointer: the old title holds words, not the reference.
    ("Rotate keys, see the ticket", "Rotate keys", (GITHUB_URL,)),
    ("Drain queue (see here)", "Drain queue", (GITHUB_URL,)),
    ("Fix DNS — tracked in the GitHub issue", "Fix DNS", (GITHUB_URL,)),
]  # fmt: skip


def _known(items: list[RawItem]) -> list[KnownItem]:
    match = match_document(TEAM, SOURCE, DOC, items, [])
    return [
        KnownItem(a.id, SOURCE, DOC, item.title, item.section, item.line, Status.OPEN)
        for a, item in zip(match.assignments, items, strict=True)
    ]


@pytest.mark.parametrize(("before", "now", "refs"), UPGRADES)
def test_an_item_keeps_its_id_when_its_title_loses_its_reference(
    before: str, now: str, refs: tuple[str, ...]
) -> None:
    siblings = [
        RawItem("Page the on-call when the payout queue stalls", "Action items", 10),
        RawItem("Document the manual payout runbook", "Action items", 12),
    ]
    old = [RawItem(before, "Action items", 11, tracker_refs=refs), *siblings]
    new = [RawItem(now, "Action items", 11, tracker_refs=refs), *siblings]
    known = _known(old)

    match = match_document(TEAM, SOURCE, DOC, new, known)

    assert [a.id for a in match.assignments] == [k.id for k in known]
    assert match.assignments[0].kind in (MatchKind.EXACT, MatchKind.SIMILAR)
    assert match.unmatched_known == ()


def test_short_siblings_losing_their_references_keep_their_own_ids() -> None:
    old = [
        RawItem("Rotate keys, see PAY-12", "Action items", 1, tracker_refs=("PAY-12",)),
        RawItem("Rotate certs, see PAY-13", "Action items", 2, tracker_refs=("PAY-13",)),
    ]
    known = _known(old)
    new = [
        RawItem("Rotate certs", "Action items", 1, tracker_refs=("PAY-13",)),  # reordered too
        RawItem("Rotate keys", "Action items", 2, tracker_refs=("PAY-12",)),
    ]
    ids = [a.id for a in match_document(TEAM, SOURCE, DOC, new, known).assignments]
    assert ids == [known[1].id, known[0].id]


def test_a_new_short_item_does_not_take_an_old_items_id_by_a_shared_reference() -> None:
    known = _known(
        [RawItem("Rotate keys, see PAY-12", "Action items", 1, tracker_refs=("PAY-12",))]
    )
    new = [RawItem("Drop the table", "Action items", 1, tracker_refs=("PAY-12",))]
    [assignment] = match_document(TEAM, SOURCE, DOC, new, known).assignments
    assert assignment.kind is MatchKind.NEW


def test_a_short_title_that_only_begins_a_longer_one_is_not_its_pointer_tail() -> None:
    known = _known([RawItem("Rotate keys for the ledger shards", "Action items", 1)])
    new = [RawItem("Rotate keys", "Action items", 1, tracker_refs=(GITHUB_URL,))]
    [assignment] = match_document(TEAM, SOURCE, DOC, new, known).assignments
    assert assignment.id != known[0].id
