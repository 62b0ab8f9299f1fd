"""The scheduled sync of one team: its cycle, what failed and recovered, its metrics."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from syncd.config.loader import LoadedTeam
from syncd.cycle.digest_inputs import digest_inputs
from syncd.cycle.team_cycle import TeamRun, sync_team
from syncd.judge.figures import team_figures
from syncd.judge.items import judge_item
from syncd.judge.snapshots import take_snapshot
from syncd.output.failure_streaks import TEAM_CYCLE, TRACKER, FailureKey
from syncd.output.logs import failures_reported_by, get_logger
from syncd.service.cycle_writer import cycle_writer
from syncd.service.failure_log import FailureLog
from syncd.service.service_state import real_now
from syncd.service.webhook_job import WebhookJob
from syncd.writers import TeamWriter

# A deferred team runs this long after its budget opens: the clocks of replicas differ a little.
RESUME_SLACK = timedelta(seconds=2)


class SyncJob(WebhookJob):
    def sync_team(self, name: str) -> None:
        """One scheduled cycle of one team, if this replica holds its lease. Never raises."""
        team = self._team(name)
        if team is None or not self._leases.holds(name) or self.signals.stop.is_set():
            return
        team_log = get_logger(team=name)
        writer = cycle_writer(name, self._loaded, self._leases, self._control_store, real_now)
        if writer is None:
            return
        with self._running_changed:
            self._running.add(name)
        started = self._webhook_sync_started(name)
        failure_log = self._failure_logs.work(name)
        try:
            run, finished = self._cycle(name, team, writer, failure_log)
        except Exception as exc:  # one team's failure never stops another, nor the scheduler
            failure_log.report(
                team_log,
                TEAM_CYCLE,
                "service.team_sync_crashed",
                f"{type(exc).__name__}: {exc}",
                traceback=True,
            )
            self._sync_failed(name)
        else:
            if run.error is None:
                # The items were read and recorded, even when the tracker was down: the item
                # gauges (overdue, unowned, ...) stay true through a tracker's outage.
                self._record_judgements(team, finished)
        finally:
            writer.release()
            self._settle_sync_requests(name, started)
            with self._running_changed:
                self._running.discard(name)
                self._running_changed.notify_all()

    def _cycle(
        self, name: str, team: LoadedTeam, writer: TeamWriter, failure_log: FailureLog
    ) -> tuple[TeamRun, datetime]:
        """The team's cycle, counted and logged; and when it finished."""
        with failures_reported_by(failure_log):
            run = sync_team(
                team,
                self._work_store,
                now=self._clock(),
                cache_dir=self._loaded.service.state_dir / "cache",
                dry_run=False,
                tracker_context={"http_observer": self.metrics.observe_request},
                writer=writer,
                confirm_removal=(
                    frozenset() if name in self._confirm_spent else self._confirm_removal
                ),
            )
        if run.reading is not None:
            self._confirm_spent.add(name)
            self.metrics.removals_held.labels(name).set(len(run.reading.held_sources))
        for nudge in run.nudges or ():
            if nudge.outcome in ("sent", "failed", "unknown", "refused"):
                self.metrics.nudges.labels(name, nudge.reason, nudge.outcome).inc()
        for source in run.write_back or ():
            for result in source.result.results if source.result is not None else ():
                self.metrics.write_backs.labels(name, result.outcome.value).inc()
        finished = self._clock()
        self._resume_when_budget_opens(name, run)
        self.metrics.sync_duration.labels(name).observe(run.seconds)
        failures = cycle_failures(run)
        self._log_cycle_failures(team, run, failures, failure_log)
        if failures:
            self._sync_failed(name)
        else:
            self._sync_succeeded(name, finished)
        return run, finished

    def _resume_when_budget_opens(self, team: str, run: TeamRun) -> None:
        """A cycle that left writes for later (its tracker account's budget is spent) runs
        again when the budget opens, if that is before its next regular run."""
        outcome = run.tracker.outcome if run.tracker is not None else None
        if outcome is None or outcome.deferred is None:
            return
        when = outcome.deferred.until + RESUME_SLACK
        moved = self._scheduler.sync_at(team, when)
        get_logger(team=team).info(
            "service.sync_deferred",
            items=outcome.deferred.items,
            limit=outcome.deferred.limit,
            until=outcome.deferred.until.isoformat(),
            rescheduled=moved,
        )

    def _log_cycle_failures(
        self,
        team: LoadedTeam,
        run: TeamRun,
        failures: Mapping[FailureKey, str],
        failure_log: FailureLog,
    ) -> None:
        """Log what failed in the cycle that no layer below logged (a tracker not contacted as
        its token is unset), then what recovered."""
        log = get_logger(team=team.config.team)
        for key, error in failures.items():
            if not failure_log.reported(key):
                failure_log.report(log, key, "service.team_sync_failed", error, traceback=False)
        # A cycle that stopped early tried nothing after that: only one that ran through says
        # its tracker and sources work again.
        if run.error is None:
            failure_log.settle(log, ("sync", "tracker", "source"))

    def _sync_failed(self, team: str) -> None:
        count = self._failures.get(team, 0) + 1
        self._failures[team] = count
        self.metrics.sync_failed(team, count, still_held=self._leases.holds(team))

    def _sync_succeeded(self, team: str, finished: datetime) -> None:
        self._failures[team] = 0
        self.metrics.sync_succeeded(team, finished.timestamp(), still_held=self._leases.holds(team))

    def _record_judgements(self, team: LoadedTeam, now: datetime) -> None:
        try:
            inputs = digest_inputs(team, self._work_store)
            judged = [judge_item(state, inputs.policy, now) for state in inputs.items]
            self.metrics.record_judgements(team.config.team, judged)
            self.metrics.record_figures(team.config.team, team_figures(judged, inputs.policy))
        except Exception:  # the cycle is over either way; only the item gauges are late
            get_logger(team=team.config.team).exception("service.item_metrics_failed")
            return
        try:
            # The status page's charts: the day's first cycle keeps its figures (a later one,
            # a restart or another replica the same day finds them kept and changes nothing).
            self._work_store.add_snapshot(
                take_snapshot(team.config.team, judged, inputs.policy, now)
            )
        except Exception:
            get_logger(team=team.config.team).exception("service.snapshot_failed")


def cycle_failures(run: TeamRun) -> dict[FailureKey, str]:
    """What failed in a cycle, each with its error: the cycle itself, its tracker, each source
    that could not be read; empty when the team is in step with the tracker. One unreadable
    document or one item the tracker refused is not a failure of the team: those are reported
    with the item (logs, digest), and the rest of the team is in step."""
    if run.error is not None:
        return {TEAM_CYCLE: run.error}
    failed: dict[FailureKey, str] = {}
    outcome = run.tracker.outcome if run.tracker is not None else None
    if outcome is not None and outcome.stopped:
        failed[TRACKER] = f"tracker: {outcome.stopped}"
    if run.reading is not None:
        for name, why in sorted(run.reading.source_errors.items()):
            failed[FailureKey("source", name)] = f"source {name}: {why}"
    return failed
