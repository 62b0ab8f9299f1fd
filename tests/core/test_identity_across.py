"""Identity across documents (``syncd.reconcile.identity_across``), through ``build_team_items``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from syncd.model import KnownItem, Status
from syncd.reconcile.identity import MATCH_THRESHOLD, title_similarity
from syncd.reconcile.identity_across import Newcomer, match_across_documents

PM_DATE = date(2026, 3, 1)
EARLIER = datetime(2026, 3, 2, tzinfo=UTC)


def known(
    id_: str,
    title: str,
    *,
    postmortem: str = "Checkout outage",
    day: date | None = PM_DATE,
    source: str = "pm",
    orphaned_at: datetime | None = None,
    aliases: tuple[str, ...] = (),
) -> KnownItem:
    return KnownItem(
        id_,
        source,
        "old.md",
        title,
        "Action Items",
        1,
        Status.OPEN,
        orphaned_at=orphaned_at,
        postmortem_title=postmortem,
        postmortem_date=day,
        aliases=aliases,
    )


def newcomer(
    title: str, postmortem: str = "Checkout outage", day: date | None = PM_DATE
) -> Newcomer:
    return Newcomer(title, "pm", postmortem, day)


def test_a_moved_item_keeps_its_id_by_text_and_postmortem() -> None:
    found = match_across_documents(
        [newcomer("Add an alert on checkout 5xx rate above 1%")],
        [known("a", "Add an alert on checkout 5xx rate above 1%")],
        vanished_now=["a"],
    )
    assert {i: k.id for i, k in found.items()} == {0: "a"}


def test_a_reworded_and_moved_item_matches_within_its_postmortem() -> None:
    found = match_across_documents(
        [newcomer("Add an alert on the checkout 5xx rate above 2%", day=None)],
        [known("a", "Add an alert on checkout 5xx rate above 1%", day=None)],
    )
    assert [k.id for k in found.values()] == ["a"]


def test_the_postmortem_date_alone_is_enough_when_the_title_changed() -> None:
    found = match_across_documents(
        [newcomer("Add an alert on checkout 5xx rate", postmortem="Checkout: 5xx storm")],
        [known("a", "Add an alert on checkout 5xx rate")],
    )
    assert [k.id for k in found.values()] == ["a"]


def test_similar_text_of_another_postmortem_is_a_new_item() -> None:
    found = match_across_documents(
        [newcomer("Add an alert on the checkout 5xx rate", "Search outage", date(2026, 5, 1))],
        [known("a", "Add an alert on checkout 5xx rate")],
        vanished_now=["a"],
    )
    assert found == {}


def test_the_same_text_moved_to_another_postmortem_in_one_edit_keeps_its_id() -> None:
    title = "Add an alert on checkout 5xx rate"
    other = newcomer(title, "Search outage", date(2026, 5, 1))
    assert match_across_documents([other], [known("a", title)], vanished_now=["a"])
    # An item removed in an earlier cycle never captures another postmortem's new item.
    old = known("a", title, orphaned_at=EARLIER)
    assert match_across_documents([other], [old], vanished_now=[]) == {}


def test_best_pairs_first_and_each_side_once() -> None:
    found = match_across_documents(
        [newcomer("Rotate the TLS certificate"), newcomer("Rotate the TLS certificates")],
        [known("b", "Rotate the TLS certificates"), known("a", "Rotate the TLS certificate")],
    )
    assert {i: k.id for i, k in found.items()} == {0: "a", 1: "b"}


def test_an_alias_matches_like_the_title() -> None:
    found = match_across_documents(
        [newcomer("Page the on-call when the dead-letter queue grows")],
        [
            known(
                "a", "Alert on DLQ", aliases=("Page the on-call when the dead-letter queue grows",)
            )
        ],
    )
    assert [k.id for k in found.values()] == ["a"]


def test_matching_stays_near_linear() -> None:
    """A thousand moved items against a thousand candidates of one postmortem: the similarity
    is computed for a bounded number of candidates per item, never for every pair."""
    calls = 0

    def counted(a: str, b: str) -> float:
        nonlocal calls
        calls += 1
        return title_similarity(a, b)

    words = [f"w{n}" for n in range(3000)]
    titles = [f"Fix {words[3 * n]} {words[3 * n + 1]} in {words[3 * n + 2]}" for n in range(1000)]
    candidates = [known(f"k{n}", t) for n, t in enumerate(titles)]
    # Each reworded a little, so every item is compared (not found by its exact text).
    movers = [newcomer(f"{t} soon") for t in reversed(titles)]

    found = match_across_documents(
        movers, candidates, vanished_now=[c.id for c in candidates], similarity=counted
    )

    assert len(found) == 1000
    assert all(f"{found[i].title} soon" == movers[i].title for i in found)
    assert calls <= 1000 * 50, calls


def test_an_item_removed_in_an_earlier_cycle_is_taken_back_only_by_its_very_text() -> None:
    """As within a document: a new item of the same postmortem merely similar to an item
    removed in an earlier cycle is new, and never takes over the removed item's issue."""
    old = known("a", "Document the database failover runbook", orphaned_at=EARLIER)
    similar = newcomer("Document the cache failover runbook")
    assert title_similarity(similar.title, old.title) >= MATCH_THRESHOLD
    assert match_across_documents([similar], [old]) == {}
    back = newcomer("Document the database failover runbook")
    assert [k.id for k in match_across_documents([back], [old]).values()] == ["a"]
    # Removed only now (a file renamed and reworded in one edit): similar still matches.
    fresh = known("a", "Document the database failover runbook")
    assert [k.id for k in match_across_documents([similar], [fresh]).values()] == ["a"]
