"""The nudge stage of a team's cycle: comment on the issues the judge says to nudge.

After the mirror, from what the store now holds (the same inputs as the digest). Each nudge is
claimed in the store before its comment is posted, so a restart, a second replica or a cycle
run twice never posts it twice; a post that failed is retried next cycle, and one whose answer
was lost counts as posted (a nudge may be lost, never doubled). A dry run plans and writes
nothing. A tracker that cannot comment, a cycle whose tracker stopped, or a spent rate-limit
budget nudges nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from syncd.config.loader import LoadedTeam
from syncd.config.nudges import WEEKDAYS
from syncd.cycle.digest_inputs import digest_inputs
from syncd.cycle.tracker_errors import describe
from syncd.execute.outcome import MirrorOutcome
from syncd.http import AmbiguousWriteError, AuthError, HttpError, PermanentError
from syncd.judge.nudge_text import is_nudge_text
from syncd.judge.nudges import NudgePolicy, PlannedNudge, plan_nudges
from syncd.output.logs import get_logger
from syncd.store import StateStore
from syncd.tracker import PostsNudges


@dataclass(frozen=True, slots=True)
class NudgeResult:
    item_id: str
    issue_key: str
    reason: str
    mentioned: bool
    outcome: str  # "planned" (dry run) | "sent" | "failed" | "unknown" | "refused" | "skipped"
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "issue": self.issue_key,
            "reason": self.reason,
            "mentioned": self.mentioned,
            "outcome": self.outcome,
            "error": self.error,
        }


def nudge_policy(team: LoadedTeam) -> NudgePolicy | None:
    config = team.config.nudges
    if config is None:
        return None
    return NudgePolicy(
        reasons=frozenset(config.on),
        after_days=config.after_days,
        every_days=config.every_days,
        quiet_weekdays=frozenset(WEEKDAYS.index(day) for day in config.quiet_days),
    )


def run_nudge_stage(
    team: LoadedTeam,
    store: StateStore,
    tracker: object,
    mirror: MirrorOutcome | None,
    *,
    now: datetime,
    dry_run: bool,
) -> tuple[NudgeResult, ...] | None:
    """The nudges of this cycle; None when the team has none configured."""
    policy = nudge_policy(team)
    if policy is None:
        return None
    log = get_logger(team=team.config.team)
    if not isinstance(tracker, PostsNudges):
        log.info("nudge.unsupported", tracker=team.config.tracker.type)
        return ()
    if mirror is None or mirror.stopped or mirror.deferred is not None:
        return ()  # the tracker is unusable or its budget spent: nudging waits for next cycle
    planned, remembered = _planned(team, store, policy, now)
    if dry_run:
        return tuple(_result(p, "planned") for p in planned)
    sending = _Sending(team.config.team, store, tracker, team.config.tzinfo, now, log)
    return tuple(sending.send(p, remembered=p.item_id in remembered) for p in planned)


def _planned(
    team: LoadedTeam, store: StateStore, policy: NudgePolicy, now: datetime
) -> tuple[tuple[PlannedNudge, ...], frozenset[str]]:
    """The nudges due, and the items the store holds any nudge of."""
    inputs = digest_inputs(team, store)
    last: dict[str, date] = {}
    records = store.nudges(team.config.team)
    for record in records:
        if record.counted and record.day > last.get(record.item_id, date.min):
            last[record.item_id] = record.day
    planned = plan_nudges(inputs.items, inputs.policy, policy, last, now)
    return planned, frozenset(record.item_id for record in records)


@dataclass(frozen=True, slots=True)
class _Sending:
    team: str
    store: StateStore
    tracker: PostsNudges
    timezone: ZoneInfo
    now: datetime
    log: Any

    def send(self, planned: PlannedNudge, *, remembered: bool) -> NudgeResult:
        if not remembered:
            # The store knows no nudge of this issue: it may be new, or lost with its history.
            # The issue's own comments say whether syncd nudged it within the period.
            try:
                earlier = self._earlier_nudge(planned)
            except PermanentError as exc:
                if isinstance(exc, AuthError):
                    return _result(planned, "failed", describe(exc))
                return self._refused(planned, describe(exc))  # the issue is gone, say
            except HttpError as exc:
                return _result(planned, "failed", describe(exc))  # unsure: not this cycle
            if earlier is not None:
                self._remember(planned, earlier)
                return _result(planned, "skipped")
        return self._post(planned)

    def _earlier_nudge(self, planned: PlannedNudge) -> date | None:
        since = datetime.combine(planned.not_since, time.min, self.timezone)
        days = [
            when.astimezone(self.timezone).date()
            for when, text in self.tracker.comments_since(planned.issue_key, since)
            if is_nudge_text(text)
        ]
        recent = [day for day in days if day >= planned.not_since]
        return max(recent) if recent else None

    def _remember(self, planned: PlannedNudge, day: date) -> None:
        day = min(day, planned.day)
        if self.store.claim_nudge(
            self.team,
            planned.item_id,
            planned.reason,
            day=day,
            not_since=day,
            issue_key=planned.issue_key,
            at=self.now,
        ):
            self.store.finish_nudge(
                self.team, planned.item_id, planned.reason, day=day, outcome="sent", at=self.now
            )
        self.log.info("nudge.found_in_tracker", item=planned.item_id, issue=planned.issue_key)

    def _refused(self, planned: PlannedNudge, error: str) -> NudgeResult:
        """Refused for good before anything was posted: counted, so it waits out the period."""
        if self.store.claim_nudge(
            self.team,
            planned.item_id,
            planned.reason,
            day=planned.day,
            not_since=planned.not_since,
            issue_key=planned.issue_key,
            at=self.now,
        ):
            self.store.finish_nudge(
                self.team,
                planned.item_id,
                planned.reason,
                day=planned.day,
                outcome="refused",
                at=self.now,
                error=error,
            )
        self.log.info("nudge.failed", item=planned.item_id, outcome="refused", error=error)
        return _result(planned, "refused", error)

    def _post(self, planned: PlannedNudge) -> NudgeResult:
        day = planned.day
        if not self.store.claim_nudge(
            self.team,
            planned.item_id,
            planned.reason,
            day=day,
            not_since=planned.not_since,
            issue_key=planned.issue_key,
            at=self.now,
        ):
            return _result(planned, "skipped")  # nudged meanwhile (another cycle or replica)
        outcome, error = "sent", None
        try:
            self.tracker.post_nudge(planned.issue_key, mention=planned.mention, text=planned.text)
        except AmbiguousWriteError as exc:
            outcome, error = "unknown", describe(exc)
        except PermanentError as exc:
            # The issue is gone or may not be commented on: asking again next cycle would get
            # the same answer. Credentials refused are the whole tracker's problem: tried again.
            outcome = "failed" if isinstance(exc, AuthError) else "refused"
            error = describe(exc)
        except HttpError as exc:
            outcome, error = "failed", describe(exc)
        self.store.finish_nudge(
            self.team,
            planned.item_id,
            planned.reason,
            day=day,
            outcome=outcome,
            at=self.now,
            error=error,
        )
        self.log.info(
            "nudge.posted" if outcome == "sent" else "nudge.failed",
            item=planned.item_id,
            issue=planned.issue_key,
            reason=planned.reason,
            outcome=outcome,
            error=error,
        )
        return _result(planned, outcome, error)


def _result(planned: PlannedNudge, outcome: str, error: str | None = None) -> NudgeResult:
    return NudgeResult(
        planned.item_id,
        planned.issue_key,
        planned.reason,
        planned.mention is not None,
        outcome,
        error,
    )
