"""Inline annotations in one item: taken out of the title, kept as written."""

from __future__ import annotations

import pytest

from connectors.markdown.annotations import extract_annotations


@pytest.mark.parametrize(
    ("text", "title", "owners"),
    [
        ("Fix the pool (owner: carol/dave)", "Fix the pool", "carol/dave"),
        ("Fix the pool (owner: carol / dave)", "Fix the pool", "carol / dave"),
        ("Fix the pool (owners: carol, dave)", "Fix the pool", "carol, dave"),
        ("Fix the pool (owner: carol and dave)", "Fix the pool", "carol and dave"),
        ("Fix the pool (owner: carol & dave)", "Fix the pool", "carol & dave"),
        ("Fix the pool. Owner: carol, dave", "Fix the pool.", "carol, dave"),
        (
            "Fix the pool. Owners: Carol Diaz and Dave Okafor",
            "Fix the pool.",
            "Carol Diaz and Dave Okafor",
        ),
        ("Fix the pool, owner: carol, dave, due 2026-01-01", "Fix the pool", "carol, dave"),
        ("Fix the pool. Owner: @carol, @dave; due 2026-01-01", "Fix the pool.", "@carol, @dave"),
        ("Fix the pool. Owner: carol, dave@acme.com", "Fix the pool.", "carol, dave@acme.com"),
        ("Fix the pool @carol @dave", "Fix the pool", "@carol @dave"),
        ("@carol @dave: fix the pool", "fix the pool", "@carol @dave"),
        ("Fix the pool @carol @dave due 2026-01-01", "Fix the pool", "@carol @dave"),
        ("Fix the pool assigned to carol and dave", "Fix the pool", "carol and dave"),
        # a trailing full stop ends the sentence, not the name
        ("Fix the pool. Owner: bob.", "Fix the pool.", "bob"),
        ("Fix the pool (owner: bob;)", "Fix the pool", "bob"),
        # nobody yet: taken whole, the resolver reads it as no owner
        ("Fix the pool (owner: nobody yet)", "Fix the pool", "nobody yet"),
        ("Fix the pool. Owner: not assigned yet", "Fix the pool.", "not assigned yet"),
        ("Fix the pool (owner: TBD)", "Fix the pool", "TBD"),
        ("Fix the pool (owner: ?)", "Fix the pool", "?"),
        ("Fix the pool (owner: n/a)", "Fix the pool", "n/a"),
        ("Fix the pool (owner: -)", "Fix the pool", "-"),
        ("Fix the pool. Owner: Nobody Smith", "Fix the pool.", "Nobody Smith"),
        ("Fix the pool. Owner: none-such-team", "Fix the pool.", "none-such-team"),
        # what follows a comma or "and" and is not a name stays in the text
        ("Fix the pool (owner: alice, high priority)", "Fix the pool (high priority)", "alice"),
        (
            "Fix the pool. Owner: alice and then roll back",
            "Fix the pool. and then roll back",
            "alice",
        ),
        ("Owner: alice, to follow up with the vendor", "to follow up with the vendor", "alice"),
        # only edge handles are owners; one in running text stays in the sentence
        ("Pair with @bob on the pool @carol", "Pair with @bob on the pool", "@carol"),
    ],
)
def test_several_owners(text: str, title: str, owners: str) -> None:
    found = extract_annotations(text)
    assert (found.title, found.owner) == (title, owners)


@pytest.mark.parametrize(
    ("text", "title", "owner"),
    [
        ("Fix the pool @alice", "Fix the pool", "@alice"),
        ("Fix the pool @alice.smith", "Fix the pool", "@alice.smith"),
        ("Fix the pool - @alice-gh", "Fix the pool", "@alice-gh"),
        ("Fix the pool @alice @bob", "Fix the pool", "@alice @bob"),  # bob: a co-owner
        ("@carol: fix the pool", "fix the pool", "@carol"),
        ("Fix the pool (owner: Alice)", "Fix the pool", "Alice"),
        ("Fix the pool [owner: Alice Smith]", "Fix the pool", "Alice Smith"),
        ("Fix the pool. Owner: Alice Smith", "Fix the pool.", "Alice Smith"),
        ("Fix the pool, owner: alice, due 2026-01-01", "Fix the pool", "alice"),
        (
            "Fix the pool; Owner: Alice Smith, reviewed by Bob",
            "Fix the pool; reviewed by Bob",
            "Alice Smith",
        ),
        ("Fix the pool assigned to Bob", "Fix the pool", "Bob"),
        ("Fix the pool (assignee: sre-team)", "Fix the pool", "sre-team"),
        ("Fix the pool (owner: alice@acme.com)", "Fix the pool", "alice@acme.com"),
        ("Pair with @bob on the pool", "Pair with @bob on the pool", "@bob"),
        # Never guessed from plain words, and a bare name in parentheses stays in the title.
        ("Fix the pool — Alice Smith", "Fix the pool — Alice Smith", None),
        ("Fix the pool (Bob)", "Fix the pool (Bob)", None),
        ("Mail alice@acme.com about the pool", "Mail alice@acme.com about the pool", None),
        ("Tell @here about the pool", "Tell @here about the pool", None),
    ],
)
def test_owner(text: str, title: str, owner: str | None) -> None:
    found = extract_annotations(text)
    assert (found.title, found.owner) == (title, owner)


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Fix it due 2026-12-01", "Fix it", "2026-12-01"),
        ("Fix it, due: 1 Dec 2026", "Fix it", "1 Dec 2026"),
        ("Fix it (due: Q1 2027)", "Fix it", "Q1 2027"),
        ("Fix it by 2026-12-01", "Fix it", "2026-12-01"),
        ("Fix it by Dec 1, 2026", "Fix it", "Dec 1, 2026"),
        ("Fix it by end of Q2", "Fix it", "end of Q2"),
        ("Fix it by the end of the sprint", "Fix it", "the end of the sprint"),
        ("Fix it deadline: 2026/12/01", "Fix it", "2026/12/01"),
        ("Fix it ETA next sprint", "Fix it", "next sprint"),
        ("Fix it [due: TBD]", "Fix it", "TBD"),
        ("Fix it @alice (TBD)", "Fix it", "TBD"),
        ("Fix it due in 2 weeks", "Fix it", "in 2 weeks"),
        ("Fix it (due 01/02/2027)", "Fix it", "01/02/2027"),
        ("Due: next Friday — fix it", "fix it", "next Friday"),
        # "by" and "due" that are not deadlines stay in the title.
        ("Reduce retries by 50% due to load", "Reduce retries by 50% due to load", None),
        ("Restart by hand when paged", "Restart by hand when paged", None),
        ("Fix it (TBD)", "Fix it (TBD)", None),
    ],
)
def test_due(text: str, title: str, due: str | None) -> None:
    found = extract_annotations(text)
    assert (found.title, found.due) == (title, due)


@pytest.mark.parametrize(
    ("text", "title", "priority", "kind"),
    [
        ("Fix it [P1]", "Fix it", "P1", None),
        ("Fix it (P2)", "Fix it", "P2", None),
        ("P0: fix it", "fix it", "P0", None),
        ("Fix it, priority: high", "Fix it", "high", None),
        ("Fix it [mitigate]", "Fix it", None, "mitigate"),
        ("Fix it (Type: Prevent)", "Fix it", None, "Prevent"),
        ("Fix it, type: process", "Fix it", None, "process"),
        (
            "Fix the P0-1 alert and the P1-style runbook",
            "Fix the P0-1 alert and the P1-style runbook",
            None,
            None,
        ),
    ],
)
def test_priority_and_type(text: str, title: str, priority: str | None, kind: str | None) -> None:
    found = extract_annotations(text)
    assert (found.title, found.priority, found.type) == (title, priority, kind)


@pytest.mark.parametrize(
    ("text", "title", "status", "done"),
    [
        ("DONE fix it", "fix it", "DONE", True),
        ("Done: fix it", "fix it", "Done", True),
        ("Fix it (done)", "Fix it", "done", True),
        ("Fix it ✅", "Fix it", "✅", True),
        ("[DONE] Fix it", "Fix it", "DONE", True),
        ("Completed rollout of the fix", "rollout of the fix", "Completed", True),
        ("Fix it - WIP", "Fix it", "WIP", False),
        ("Fix it (in progress)", "Fix it", "in progress", False),
        ("TODO: fix it", "fix it", "TODO", False),
        ("Rotate keys (done 2026-03-01)", "Rotate keys", "done 2026-03-01", True),
        ("Rotate keys — done 2026-10-03", "Rotate keys", "done 2026-10-03", True),
        ("Rotate keys - completed on 3 Oct 2026", "Rotate keys", "completed on 3 Oct 2026", True),
        ("Ship it, done", "Ship it, done", None, False),
        ("Fix it, status: blocked", "Fix it", "blocked", False),
        # Words that only look like a status stay.
        ("Done", "Done", None, False),
        ("Make it done properly", "Make it done properly", None, False),
    ],
)
def test_status(text: str, title: str, status: str | None, done: bool) -> None:
    found = extract_annotations(text)
    assert (found.title, found.status, found.done) == (title, status, done)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Fix the pool (PAY-123)", "Fix the pool"),
        ("Fix the pool [#45]", "Fix the pool"),
        ("[PAY-1] Fix the pool", "Fix the pool"),
        ("Fix the pool (PAY-1, PAY-2).", "Fix the pool."),
        ("Fix the PAY-123 regression", "Fix the PAY-123 regression"),
        ("Fix the pool https://acme.atlassian.net/browse/PAY-1", "Fix the pool"),
        ("Fix the pool  ,  @a ;", "Fix the pool"),
        ("Keep the sentence period.", "Keep the sentence period."),
        ("Should we buy a product?", "Should we buy a product?"),
        ("( ) Fix [ ] the pool", "Fix the pool"),
    ],
)
def test_title_cleanup(text: str, title: str) -> None:
    assert extract_annotations(text).title == title


def test_several_annotations_in_one_group() -> None:
    found = extract_annotations("Fix it (Owner: @alice, Due: 2026-05-01, P1, prevent)")
    assert (found.title, found.owner, found.due, found.priority, found.type) == (
        "Fix it",
        "@alice",
        "2026-05-01",
        "P1",
        "prevent",
    )


def test_a_name_before_a_deadline_is_an_owner() -> None:
    found = extract_annotations("Fix the pool. Owner: carol, dave by Dec 1")
    assert (found.title, found.owner, found.due) == ("Fix the pool.", "carol, dave", "Dec 1")
