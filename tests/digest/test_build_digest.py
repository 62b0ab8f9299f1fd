"""The digest model of a realistic team: content and order as the contract's §7 says."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from syncd.digest import build_digest, render_text
from syncd.digest.build import FIRST_DIGEST_LOOKBACK
from tests.digest.digest_support import team_digest
from tests.digest.team_fixture import (
    CHAT_IDS,
    LAST_DIGEST,
    LINK_BASE,
    NOW,
    POLICY,
    POSTMORTEMS,
    team_items,
)


def test_counts_agree_with_the_sections() -> None:
    digest = team_digest()
    counts = digest.counts
    assert counts.open == 19
    assert (counts.overdue, counts.due_soon, counts.stale, counts.done_since) == (5, 4, 3, 4)
    assert counts.overdue == digest.overdue_count
    assert counts.due_soon == len(digest.due_soon) and counts.stale == len(digest.stale)
    assert counts.done_since == len(digest.done_since)


def test_each_item_is_listed_in_one_of_overdue_due_soon_stale() -> None:
    digest = team_digest()
    ids = [e.item_id for g in digest.overdue for e in g.entries]
    ids += [e.item_id for e in digest.due_soon] + [e.item_id for e in digest.stale]
    assert len(ids) == len(set(ids))


def test_done_since_the_last_digest_comes_first_and_excludes_older_and_wont_do() -> None:
    digest = team_digest()
    titles = [e.title for e in digest.done_since]
    assert titles == [
        "Add expiry alert for HSM certificates 30 days ahead",
        "Raise connection pool size to 200 on checkout-api",
        "Emit ledger_replication_lag_seconds metric",
        "Cap webhook retries at 8 per event",
    ]
    text = render_text(digest)
    assert text.index("Done since the last digest") < text.index("Overdue (5)")
    order = [
        "Done since",
        "Overdue (",
        "Due within",
        "Stale:",
        "Needs attention",
        "Follow-up",
        "Completion",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_overdue_is_grouped_by_postmortem_oldest_first() -> None:
    digest = team_digest()
    assert [g.postmortem.title for g in digest.overdue] == [
        "Checkout latency spike",
        "Payments DB failover",
        "Webhook retry storm",
        "Ledger replication lag",
    ]
    first = digest.overdue[0].entries
    assert [(e.overdue_days, e.issue_key) for e in first] == [(10, "PAY-103"), (3, "PAY-104")]
    assert first[0].owner is not None and first[0].owner.chat_ids == (("mattermost", "carol.k"),)


def test_needs_attention_names_each_reason() -> None:
    reasons = {e.title: e.reasons for e in team_digest().attention}
    assert reasons["Improve monitoring"] == ("vague: no measurable outcome: 'improve monitoring'",)
    assert reasons["Document the manual promotion steps in payments-db runbook"] == ("no owner",)
    assert reasons["Pin pgbouncer to 1.22 in payments-db chart"] == (
        "no due date written (policy date 2026-03-23 used)",
    )
    assert reasons["Rate-limit webhook-dispatcher per merchant to 50 rps"] == (
        "owner not in the people map",
    )
    assert reasons["Move webhook queue to a dedicated Redis cluster"] == (
        "changed on both sides (due)",
    )
    assert reasons["Retry tokenization once on HSM timeout"] == (
        "sync failing: Jira refused the update: 400 priority",
    )
    assert reasons["Replace the hand-written HSM retry loop with tenacity"] == (
        "removed from its document (issue left open)",
    )
    assert reasons["Remove the legacy /v1/hooks endpoint"] == (
        "closed as won't do without a reason",
    )


def test_reviews_due_with_completion_and_the_flag() -> None:
    reviews = {r.postmortem.title: r for r in team_digest().reviews}
    assert set(reviews) == {"Checkout latency spike", "Payments DB failover"}
    checkout = reviews["Checkout latency spike"]
    assert (checkout.done, checkout.total, checkout.all_open) == (2, 5, False)
    failover = reviews["Payments DB failover"]
    assert (failover.done, failover.total, failover.all_open) == (0, 5, True)


def test_rates() -> None:
    rates = team_digest().rates
    assert (rates.completion.numerator, rates.completion.denominator) == (6, 25)
    # done with a due date, the unexplained won't do left out: 5. Late: the alert (done
    # 17 Feb, due 1 Feb) and the pool size (done 6 Mar, due 15 Feb); on time: the other three.
    assert (rates.on_time.numerator, rates.on_time.denominator) == (3, 5)
    assert rates.median_open_age_days == 27.0


def test_without_an_earlier_digest_done_looks_back_a_week() -> None:
    digest = build_digest("payments", team_items(), POSTMORTEMS, POLICY, NOW, None, None)
    assert digest.since == NOW - FIRST_DIGEST_LOOKBACK and not digest.since_last_digest
    assert len(digest.done_since) == 4
    assert "Done in the last 7 days (4)" in render_text(digest)


def test_a_quiet_week_is_one_line() -> None:
    quiet = [
        replace(s, last_activity=NOW - timedelta(days=1), done_at=None)
        for s in team_items()
        if not s.done
        and not s.orphaned
        and s.item.due.date is not None
        and s.item.due.date > NOW.date() + timedelta(days=10)
        and not s.item.flags
        and s.sync_error is None
    ]
    assert len(quiet) == 3
    digest = build_digest("payments", quiet, POSTMORTEMS, POLICY, NOW, LAST_DIGEST, LINK_BASE)
    assert digest.quiet
    text = render_text(digest)
    assert text.count("\n") == 1
    assert text == (
        "Action items digest: payments (2026-03-09): all quiet \u2014 3 open action items, "
        "none overdue, due within 7 days or stale, nothing needs attention.\n"
    )
    empty = build_digest("payments", [], [], POLICY, NOW, LAST_DIGEST, None)
    assert render_text(empty) == (
        "Action items digest: payments (2026-03-09): all quiet, no open action items.\n"
    )


def test_blameless_nobody_is_named_outside_their_own_items_and_nobody_is_counted() -> None:
    digest = build_digest(
        "payments", team_items(), POSTMORTEMS, POLICY, NOW, LAST_DIGEST, LINK_BASE, CHAT_IDS
    )
    text = render_text(digest)
    names = ("alice", "bob", "carol", "dave", "Frank")
    item_lines = [line for line in text.splitlines() if line.lstrip().startswith(("•", "✓"))]
    other_lines = [line for line in text.splitlines() if line not in item_lines]
    for line in other_lines:
        assert not any(name in line for name in names), line
    # a person appears on a line only as that line's item's owner: who holds it, and the
    # owners its document names (beside a holder who took it over in the tracker)
    owners = {
        e.title: " ".join(
            filter(None, (e.owner.written, e.owner.document_owner, *e.owner.co_owners))
        )
        for e in _entries(digest)
        if e.owner is not None
    }
    for line in item_lines:
        named = {n for n in names if re.search(rf"\b{n}\b", line)}
        title = next((t for t in owners if t in line), None)
        if title is not None and named:
            assert named == {n for n in names if n in (owners[title] or "")}, line
    # no per-person counts: the only numbers beside a name are that item's own days
    for line in item_lines:
        assert not re.search(r"\b\d+ (items|open|overdue items)\b", line), line


def _entries(digest: object) -> list:  # type: ignore[type-arg]
    d = digest
    out = list(d.done_since) + [e for g in d.overdue for e in g.entries]  # type: ignore[attr-defined]
    return out + list(d.due_soon) + list(d.stale) + list(d.attention)  # type: ignore[attr-defined]
