"""The mass-removal guard's judgement (``syncd.cycle.removal_guard``): pure, over plain data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syncd.cycle.removal_guard import GuardSettings, LastRead, Verdict, judge_read

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
EARLIER = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
TWELVE = frozenset(f"pm-{n:02d}.md" for n in range(12))


def test_a_first_read_is_never_suspicious_even_when_empty() -> None:
    for present in (frozenset(), TWELVE):
        judgement = judge_read("payments", "pm", None, present, now=NOW)
        assert judgement.verdict is Verdict.FIRST
        assert judgement.remember == present
        assert not judgement.held


def test_a_source_that_returns_none_of_its_documents_is_held() -> None:
    judgement = judge_read("payments", "pm", LastRead(TWELVE), frozenset(), now=NOW)
    assert judgement.verdict is Verdict.HELD
    assert (judgement.had, len(judgement.lost), judgement.cycle) == (12, 12, 1)
    assert judgement.remember is None  # the last good read stays what it was
    assert judgement.held_since == NOW
    assert judgement.message() == (
        "source pm returned 0 of the 12 documents it had last time; their items are kept, "
        "not orphaned. If the documents were really removed, run "
        "`syncd sync --team payments --confirm-removal pm`; else it is accepted if the next "
        "2 syncs find them missing too"
    )


def test_returning_none_is_held_even_when_any_share_may_be_lost() -> None:
    everything = GuardSettings(max_document_loss=1.0)
    judgement = judge_read(
        "payments", "pm", LastRead(TWELVE), frozenset(), settings=everything, now=NOW
    )
    assert judgement.verdict is Verdict.HELD
    # Losing every document while returning others (a wrong branch) is what 1.0 allows.
    other = judge_read(
        "payments", "pm", LastRead(TWELVE), {"other.md"}, settings=everything, now=NOW
    )
    assert other.verdict is Verdict.OK


@pytest.mark.parametrize(
    ("missing", "verdict"),
    [(0, Verdict.OK), (1, Verdict.OK), (6, Verdict.OK), (7, Verdict.HELD), (11, Verdict.HELD)],
)
def test_losing_more_than_half_is_held_and_up_to_half_is_not(
    missing: int, verdict: Verdict
) -> None:
    present = frozenset(sorted(TWELVE)[missing:])
    judgement = judge_read("payments", "pm", LastRead(TWELVE), present, now=NOW)
    assert judgement.verdict is verdict
    assert len(judgement.lost) == missing
    if verdict is Verdict.OK:
        assert judgement.remember == present  # a small loss updates the record


def test_the_share_is_the_sources_own_setting() -> None:
    strict = GuardSettings(max_document_loss=0.1)
    present = frozenset(sorted(TWELVE)[2:])  # 2 of 12 missing: 17 %
    held = judge_read("payments", "pm", LastRead(TWELVE), present, settings=strict, now=NOW)
    assert held.verdict is Verdict.HELD
    assert "returned 10 of the 12 documents it had last time (2 missing, more than " in (
        held.message()
    )
    assert "max_document_loss 10 %" in held.message()
    lax = GuardSettings(max_document_loss=0.9)
    fewer = frozenset(sorted(TWELVE)[10:])  # 10 of 12 missing: 83 %
    judged = judge_read("payments", "pm", LastRead(TWELVE), fewer, settings=lax, now=NOW)
    assert judged.verdict is Verdict.OK


def test_growth_is_not_suspicious_and_is_remembered() -> None:
    more = TWELVE | {"new-1.md", "new-2.md"}
    judgement = judge_read("payments", "pm", LastRead(TWELVE), more, now=NOW)
    assert judgement.verdict is Verdict.OK
    assert judgement.remember == more


def test_a_wrong_branch_with_other_documents_is_held_as_a_loss() -> None:
    other = frozenset(f"other-{n}.md" for n in range(20))
    judgement = judge_read("payments", "pm", LastRead(TWELVE), other, now=NOW)
    assert judgement.verdict is Verdict.HELD
    assert judgement.kept == 0 and len(judgement.lost) == 12


def test_documents_under_a_folder_that_could_not_be_listed_are_not_lost() -> None:
    last = LastRead(frozenset({"a.md", "b.md", "sub/c.md", "sub/d.md", "sub/e.md"}))
    judgement = judge_read(
        "payments", "pm", last, {"a.md", "b.md", "sub/"}, unread_folders=("sub/",), now=NOW
    )
    assert judgement.verdict is Verdict.OK
    assert judgement.lost == ()
    # Still remembered: the next read that lists the folder finds them.
    assert judgement.remember is not None
    assert {"sub/c.md", "sub/d.md", "sub/e.md"} <= judgement.remember


def test_a_document_that_failed_to_read_is_present() -> None:
    last = LastRead(frozenset({"a.md", "b.md", "c.md"}))
    judgement = judge_read("payments", "pm", last, {"a.md", "b.md", "c.md"}, now=NOW)
    assert judgement.verdict is Verdict.OK and judgement.lost == ()


def test_the_loss_is_accepted_on_the_last_of_removal_confirm_cycles_cycles() -> None:
    settings = GuardSettings(confirm_cycles=3)
    first = judge_read("payments", "pm", LastRead(TWELVE), frozenset(), settings=settings, now=NOW)
    assert (first.verdict, first.cycle) == (Verdict.HELD, 1)
    second = judge_read(
        "payments",
        "pm",
        LastRead(TWELVE, held_cycles=1, held_since=EARLIER),
        frozenset(),
        settings=settings,
        now=NOW,
    )
    assert (second.verdict, second.cycle, second.held_since) == (Verdict.HELD, 2, EARLIER)
    assert second.message().endswith("it is accepted if the next sync finds them missing too")
    third = judge_read(
        "payments",
        "pm",
        LastRead(TWELVE, held_cycles=2, held_since=EARLIER),
        frozenset(),
        settings=settings,
        now=NOW,
    )
    assert (third.verdict, third.cycle) == (Verdict.ACCEPTED, 3)
    assert third.remember == frozenset()  # the source is empty from now on
    assert third.lost == tuple(sorted(TWELVE))


def test_one_confirm_cycle_accepts_at_once() -> None:
    settings = GuardSettings(confirm_cycles=1)
    judgement = judge_read(
        "payments", "pm", LastRead(TWELVE), frozenset(), settings=settings, now=NOW
    )
    assert judgement.verdict is Verdict.ACCEPTED


def test_a_confirmed_loss_is_accepted_and_a_confirmation_without_loss_changes_nothing() -> None:
    judgement = judge_read(
        "payments", "pm", LastRead(TWELVE), {"pm-00.md"}, confirmed=True, now=NOW
    )
    assert judgement.verdict is Verdict.CONFIRMED
    assert judgement.remember == {"pm-00.md"}
    unneeded = judge_read("payments", "pm", LastRead(TWELVE), TWELVE, confirmed=True, now=NOW)
    assert unneeded.verdict is Verdict.OK


def test_a_source_that_had_no_documents_is_never_suspicious() -> None:
    judgement = judge_read("payments", "pm", LastRead(frozenset()), frozenset(), now=NOW)
    assert judgement.verdict is Verdict.OK


@pytest.mark.parametrize(("loss", "cycles"), [(-0.1, 3), (1.01, 3), (0.5, 0)])
def test_settings_out_of_range_are_refused(loss: float, cycles: int) -> None:
    with pytest.raises(ValueError, match=r"max_document_loss|removal_confirm_cycles"):
        GuardSettings(max_document_loss=loss, confirm_cycles=cycles)
