"""The mass-removal guard: a source that suddenly lost most of its documents is not believed.

An unmounted volume, a wrong branch or an emptied space reads as "every postmortem deleted";
believed, it would orphan every item of the source at once. Like rsync's and rclone's
``--max-delete``, such a read is held: the items of the missing documents are kept as they
were, and the source is reported, until the loss is confirmed (``syncd sync --confirm-removal
SOURCE``) or has been found by ``removal_confirm_cycles`` consecutive cycles.

Pure: what the store remembers of the source's last good read comes in as plain data.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

DEFAULT_MAX_DOCUMENT_LOSS = 0.5
DEFAULT_CONFIRM_CYCLES = 3


@dataclass(frozen=True, slots=True)
class GuardSettings:
    """One source's guard settings (``max_document_loss``, ``removal_confirm_cycles``)."""

    max_document_loss: float = DEFAULT_MAX_DOCUMENT_LOSS  # a share, 0..1
    confirm_cycles: int = DEFAULT_CONFIRM_CYCLES  # >= 1; 1 accepts every loss at once

    def __post_init__(self) -> None:
        if not 0 <= self.max_document_loss <= 1:
            raise ValueError(f"max_document_loss must be within 0..1, not {self.max_document_loss}")
        if self.confirm_cycles < 1:
            raise ValueError(f"removal_confirm_cycles must be 1 or more, not {self.confirm_cycles}")


@dataclass(frozen=True, slots=True)
class LastRead:
    """What the store remembers of a source: the documents its last good read returned, and
    the loss it is holding, if any."""

    documents: frozenset[str]
    held_cycles: int = 0  # consecutive cycles that found (and held) a loss; 0 when none
    held_since: datetime | None = None


class Verdict(StrEnum):
    FIRST = "first"  # nothing remembered: never suspicious
    OK = "ok"  # growth, no loss, or a small one
    HELD = "held"  # suspicious: the missing documents' items are kept
    ACCEPTED = "accepted"  # suspicious, but found by enough consecutive cycles
    CONFIRMED = "confirmed"  # suspicious, confirmed with --confirm-removal


@dataclass(frozen=True, slots=True)
class ReadJudgement:
    team: str
    source: str
    verdict: Verdict
    had: int  # documents of the last good read
    lost: tuple[str, ...]  # of those, the ones missing now (sorted)
    cycle: int  # for a suspicious read: how many consecutive cycles found a loss, this one too
    settings: GuardSettings
    # What to remember as the source's last good read after this one; None when held.
    remember: frozenset[str] | None
    held_since: datetime | None = None

    @property
    def held(self) -> bool:
        return self.verdict is Verdict.HELD

    @property
    def kept(self) -> int:
        """Documents of the last good read that this read returned (or could not list)."""
        return self.had - len(self.lost)

    def message(self) -> str:
        """What a person is told about a held read, and what they can do."""
        share = f"{self.settings.max_document_loss:.0%}".replace("%", " %")
        if self.kept == 0:
            what = f"returned 0 of the {self.had} documents it had last time"
        else:
            what = (
                f"returned {self.kept} of the {self.had} documents it had last time "
                f"({len(self.lost)} missing, more than max_document_loss {share})"
            )
        left = self.settings.confirm_cycles - self.cycle
        wait = (
            "it is accepted if the next sync finds them missing too"
            if left == 1
            else f"it is accepted if the next {left} syncs find them missing too"
        )
        return (
            f"source {self.source} {what}; their items are kept, not orphaned. "
            f"If the documents were really removed, run "
            f"`syncd sync --team {self.team} --confirm-removal {self.source}`; else {wait}"
        )


def judge_read(
    team: str,
    source: str,
    last: LastRead | None,
    present: Collection[str],
    *,
    unread_folders: tuple[str, ...] = (),
    settings: GuardSettings = GuardSettings(),
    confirmed: bool = False,
    now: datetime,
) -> ReadJudgement:
    """Judge one good read of ``source`` (a source that failed as a whole is not judged).

    ``present``: the documents the read returned, those that failed to read included.
    ``unread_folders``: folders that could not be listed (``"sub/"``); what lies under them
    is neither lost nor forgotten. A read is suspicious when the source had documents and
    returned none, or lost more than ``max_document_loss`` of them.
    """
    now_present = frozenset(present)
    if last is None:
        return ReadJudgement(team, source, Verdict.FIRST, 0, (), 0, settings, remember=now_present)
    under_unread = frozenset(d for d in last.documents if d.startswith(unread_folders))
    lost = tuple(sorted(last.documents - now_present - under_unread))
    had = len(last.documents)
    remember = now_present | under_unread
    suspicious = had > 0 and (not now_present or len(lost) / had > settings.max_document_loss)
    if not suspicious:
        return ReadJudgement(team, source, Verdict.OK, had, lost, 0, settings, remember=remember)
    cycle = last.held_cycles + 1
    since = last.held_since or now
    if confirmed:
        verdict = Verdict.CONFIRMED
    elif cycle >= settings.confirm_cycles:
        verdict = Verdict.ACCEPTED
    else:
        return ReadJudgement(
            team, source, Verdict.HELD, had, lost, cycle, settings, remember=None, held_since=since
        )
    return ReadJudgement(
        team, source, verdict, had, lost, cycle, settings, remember=remember, held_since=since
    )
