"""``syncd run``: wires configuration, store, leases, scheduler, probes and signals together."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console

from syncd import plugins
from syncd.cli.digest_command import post_digests
from syncd.clock import system_now
from syncd.config.loader import LoadedConfig, LoadedTeam, load_config
from syncd.cycle.digest_inputs import digest_inputs
from syncd.cycle.team_cycle import TeamRun, sync_team
from syncd.judge.items import judge_item
from syncd.output.failure_streaks import TEAM_CYCLE, TRACKER, FailureKey
from syncd.output.logs import failures_reported_by, get_logger, redactor
from syncd.output.secret_values import secret_values
from syncd.service.bounded_check import BoundedCheck
from syncd.service.cycle_writer import cycle_writer
from syncd.service.drain import DrainableStore
from syncd.service.failure_log import FailureLog, ServiceFailures
from syncd.service.http import ProbeServer
from syncd.service.instance_lock import InstanceLock, InstanceLockedError, lock_sqlite_store
from syncd.service.leases import (
    SoleLeases,
    StoreLeases,
    TeamLeases,
    lease_duration,
    replica_id,
)
from syncd.service.metrics import ServiceMetrics
from syncd.service.readiness import (
    HEARTBEAT_PERIOD,
    STORE_CHECK_TIMEOUT,
    Readiness,
    judge_readiness,
)
from syncd.service.scheduler import TeamSchedule, TeamScheduler
from syncd.service.signals import ServiceSignals
from syncd.store import StateStore, StateStoreError
from syncd.store.database_url import parse_database_url
from syncd.workers.pool import end_all_workers

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
# SIGTERM must end the process within 10 s (Kubernetes' default grace is 30 s; ours is tighter):
# wait this long for syncs in flight, then this long for their open transactions.
STOP_WAIT_FOR_SYNCS = timedelta(seconds=6)
STOP_WAIT_FOR_TRANSACTIONS = timedelta(seconds=2)
HTTP_HOST_ENV_VAR = "SYNCD_HTTP_HOST"  # default: every interface, as probes come from outside
SIGNAL_POLL_SECONDS = 0.25  # how late a signal delivered to another thread may be handled
# A deferred team runs this long after its budget opens: the clocks of replicas differ a little.
RESUME_SLACK = timedelta(seconds=2)
# A digest job that failed as a whole, before or between its channels' posts.
DIGEST = FailureKey("digest")


def _now() -> datetime:
    return datetime.now(UTC)  # leases measure real durations between replicas: never pinned


class Service:
    """One replica of the service. ``start``, then ``run_until_stopped`` (or ``stop``)."""

    def __init__(
        self,
        config_path: Path,
        loaded: LoadedConfig,
        *,
        env: Mapping[str, str],
        work_store: DrainableStore,
        control_store: StateStore,
        leases: TeamLeases,
        metrics: ServiceMetrics | None = None,
        interval: timedelta | None = None,
        clock: Callable[[], datetime] = _now,
        http_host: str = "",
        http_port: int | None = None,
        heartbeat_period: timedelta = HEARTBEAT_PERIOD,
        ticks: Callable[[], float] = time.monotonic,
        store_check_timeout: timedelta = STORE_CHECK_TIMEOUT,
        confirm_removal: frozenset[str] = frozenset(),
    ) -> None:
        self._config_path = config_path
        self._env = env
        self._loaded = loaded
        self._work_store = work_store
        self._control_store = control_store
        self._leases = leases
        self.metrics = metrics or ServiceMetrics()
        self._interval = interval or loaded.service.sync_interval
        self._interval_fixed = interval is not None  # injected (tests): reloads keep it
        self._clock = clock
        self._failures: dict[str, int] = {}  # team -> failed cycles in a row, on this replica
        # What the logs already said of each team's failures: each is logged once, then its
        # recovery (the counts above and in /metrics go on counting every one).
        self._failure_logs = ServiceFailures()
        # `run --confirm-removal`: confirms what the first cycle of each team on this replica
        # finds held (``syncd.cycle.removal_guard``); a later loss is held again.
        self._confirm_removal = confirm_removal
        self._confirm_spent: set[str] = set()  # teams whose first cycle has read its sources
        self._running: set[str] = set()
        self._running_changed = threading.Condition()
        self._lease_stop = threading.Event()
        self._lease_thread = threading.Thread(
            target=self._lease_loop, name="syncd-leases", daemon=True
        )
        self._heartbeat_period = heartbeat_period
        self._scheduler = TeamScheduler(
            interval=self._interval,
            run_sync=self.sync_team,
            run_digest=self.post_digest,
            heartbeat_period=heartbeat_period,
            ticks=ticks,
            wall=clock,  # the digests' slots are read on it
        )
        self._store_check = BoundedCheck(
            self._ping_store,
            timeout=store_check_timeout.total_seconds(),
            name="syncd-store-check",
        )
        self.signals = ServiceSignals()
        self.probes = ProbeServer(
            host=http_host,
            port=loaded.service.http_port if http_port is None else http_port,
            readiness=self.readiness,
            metrics=self.metrics.render,
            metrics_content_type=self.metrics.content_type,
        )

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        _prepare_sources(self._loaded)
        self.probes.start()
        self._refresh_leases()
        self._scheduler.set_teams(_schedules(self._loaded))
        self._scheduler.start()
        self._lease_thread.start()
        get_logger().info(
            "service.started",
            teams=len(self._loaded.teams),
            interval_seconds=self._interval.total_seconds(),
            http_port=self.probes.port,
            store=self._control_store.url,
        )

    def run_until_stopped(self) -> bool:
        """Serve until SIGTERM/SIGINT, reloading on SIGHUP; True when everything stopped
        cleanly, False when a sync had to be abandoned."""
        while not self.signals.stop.is_set():
            # Never an unbounded wait: the kernel may deliver SIGTERM or SIGHUP to another
            # thread, and then Python runs the handler only when the main thread next runs
            # bytecode. An unbounded wait left a SIGHUP unhandled for good (seen under load).
            self.signals.wake.wait(timeout=SIGNAL_POLL_SECONDS)
            self.signals.wake.clear()
            if self.signals.reload.is_set() and not self.signals.stop.is_set():
                self.signals.reload.clear()
                self.reload()
        return self.stop()

    def stop(self) -> bool:
        get_logger().info("service.stopping", running=sorted(self._running))
        self._scheduler.shutdown()
        # A sync reading a slow document would hold the stop for that document's whole budget:
        # its reading processes end now, and the sync ends its cycle (the source's items stay).
        end_all_workers()
        self._lease_stop.set()
        deadline = time.monotonic() + STOP_WAIT_FOR_SYNCS.total_seconds()
        with self._running_changed:
            self._running_changed.wait_for(
                lambda: not self._running, timeout=max(0.0, deadline - time.monotonic())
            )
            abandoned = sorted(self._running)
        drained = self._work_store.gate.close(STOP_WAIT_FOR_TRANSACTIONS.total_seconds())
        if self._lease_thread.is_alive():
            self._lease_thread.join(timeout=1)
        # A team abandoned mid-cycle keeps its lease until it expires: its thread may still be
        # in a tracker call, and another replica must not start the team before this one is gone.
        self._leases.close(keep=abandoned)
        self.probes.stop()
        for team in abandoned:
            get_logger(team=team).warning("service.team_sync_abandoned")
        get_logger().info("service.stopped", abandoned=abandoned, transactions_drained=drained)
        return not abandoned

    # -- configuration ---------------------------------------------------------------------

    def reload(self) -> bool:
        """Load the configuration again; a broken one is reported and the old one kept."""
        try:
            loaded = load_config(self._config_path, env=self._env)
        except Exception as exc:  # an unexpected failure must not take the service down either
            return self._reload_failed([f"{type(exc).__name__}: {exc}"])
        if loaded.errors:
            return self._reload_failed([str(error) for error in loaded.errors])
        redactor.register(secret_values(loaded))
        restart_needed = [
            name
            for name in ("database_url", "http_port", "state_dir")
            if getattr(loaded.service, name) != getattr(self._loaded.service, name)
        ]
        if restart_needed:
            get_logger().warning("service.reload_needs_restart", settings=restart_needed)
        before = {team.config.team for team in self._loaded.teams}
        self._loaded = loaded  # one reference swap: a job in flight keeps the team it read
        after = {team.config.team for team in loaded.teams}
        for team in before - after:
            self.metrics.forget_team(team)
            self._failures.pop(team, None)
            self._failure_logs.forget(team)
        if not self._interval_fixed and loaded.service.sync_interval != self._interval:
            self._interval = loaded.service.sync_interval
            self._scheduler.set_interval(self._interval)
        self._scheduler.set_teams(_schedules(loaded))
        self._refresh_leases()
        self.metrics.config_reloads.labels("ok").inc()
        self.metrics.config_reload_ok.set(1)
        get_logger().info(
            "service.reloaded",
            teams=len(after),
            added=sorted(after - before),
            removed=sorted(before - after),
        )
        return True

    def _reload_failed(self, errors: list[str]) -> bool:
        self.metrics.config_reloads.labels("failed").inc()
        self.metrics.config_reload_ok.set(0)
        get_logger().error(
            "service.reload_failed",
            errors=errors[:20],
            error_count=len(errors),
            keeping="the previous configuration",
        )
        return False

    def _team(self, name: str) -> LoadedTeam | None:
        for team in self._loaded.teams:
            if team.config.team == name:
                return team
        return None

    # -- work ------------------------------------------------------------------------------

    def sync_team(self, name: str) -> None:
        """One scheduled cycle of one team, if this replica holds its lease. Never raises."""
        team = self._team(name)
        if team is None or not self._leases.holds(name) or self.signals.stop.is_set():
            return
        team_log = get_logger(team=name)
        writer = cycle_writer(name, self._loaded, self._leases, self._control_store, _now)
        if writer is None:
            return
        with self._running_changed:
            self._running.add(name)
        failure_log = self._failure_logs.work(name)
        try:
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
            finished = self._clock()
            self._resume_when_budget_opens(name, run)
            self.metrics.sync_duration.labels(name).observe(run.seconds)
            failures = cycle_failures(run)
            self._log_cycle_failures(team, run, failures, failure_log)
            if failures:
                self._sync_failed(name)
            else:
                self._sync_succeeded(name, finished)
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
            with self._running_changed:
                self._running.discard(name)
                self._running_changed.notify_all()

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
            self.metrics.record_judgements(
                team.config.team, (judge_item(state, inputs.policy, now) for state in inputs.items)
            )
        except Exception:  # the cycle is over either way; only the item gauges are late
            get_logger(team=team.config.team).exception("service.item_metrics_failed")

    def post_digest(self, name: str) -> None:
        """Post the team's digest of this slot. Every replica may try: the store's per-slot
        claim lets one post it, so a digest is not lost when the team's replica just died."""
        team = self._team(name)
        if team is None or self.signals.stop.is_set():
            return
        now = self._clock()
        log = get_logger(team=name)
        failure_log = self._failure_logs.work(name)
        try:
            # A channel's failed post is logged there (``digest.post_failed``), once per run.
            with failures_reported_by(failure_log):
                post_digests(
                    team,
                    self._work_store,
                    now=now,
                    force=False,
                    console=_quiet_console(),
                    replica=getattr(self._leases, "replica", None),
                )
            for post in self._work_store.digest_posts(name):
                if post.posted_at == now and post.claimed_by is not None:
                    self.metrics.digests_posted.labels(name, post.channel.split(":")[0]).inc()
        except Exception as exc:
            failure_log.report(
                log, DIGEST, "service.digest_failed", f"{type(exc).__name__}: {exc}", traceback=True
            )
        else:
            failure_log.settle(log, ("digest",))

    # -- leases and readiness --------------------------------------------------------------

    def _lease_loop(self) -> None:
        period = self._leases.period.total_seconds() / 3
        while not self._lease_stop.wait(period):
            self._refresh_leases()

    def _refresh_leases(self) -> None:
        try:
            changes = self._leases.refresh(team.config.team for team in self._loaded.teams)
        except Exception:
            get_logger().exception("service.lease_refresh_failed")
            return
        for team in sorted(changes.gained):
            get_logger(team=team).info("service.team_acquired")
            self._failures[team] = 0
            self._failure_logs.forget(team)
            self.metrics.team_taken(team)
            self._scheduler.sync_soon(team)
        for team in sorted(changes.lost):
            get_logger(team=team).warning("service.team_lost")
            self._failures.pop(team, None)
            self._failure_logs.forget(team)
            self.metrics.team_released(team)
        self.metrics.teams_held.set(len(self._leases.held()))

    def readiness(self) -> Readiness:
        """Can this replica work? Never a tracker's health: see ``syncd.service.readiness``."""
        return judge_readiness(
            config_error=_config_problem(self._loaded),
            store_error=self._store_check(),
            scheduler=self._scheduler.pulse(),
            leases_running=self._lease_thread.is_alive(),
            heartbeat_period=self._heartbeat_period,
        )

    def _ping_store(self) -> str | None:
        try:
            self._control_store.ping()
        except StateStoreError as exc:
            return str(exc)
        return None


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


def _config_problem(loaded: LoadedConfig) -> str | None:
    # `run` starts only on a configuration without errors, and a reload keeps the previous
    # one when the new one has any; this holds that promise where /readyz can show it.
    if loaded.errors:
        return f"{len(loaded.errors)} configuration error(s), first: {loaded.errors[0]}"
    return None


def _prepare_sources(loaded: LoadedConfig) -> None:
    """Let each source type in use get ready ahead of its first read (a source may offer
    ``prepare()``: the markdown source starts its reading processes), so that a replica taking
    over teams does not wait for that in the middle of a cycle."""
    types = sorted({source.type for team in loaded.teams for source in team.config.sources})
    for type_ in types:
        try:
            prepare = getattr(plugins.connector_class("source", type_), "prepare", None)
            if callable(prepare):
                prepare()
        except Exception as exc:  # a connector that cannot prepare still reads when asked
            get_logger().warning("service.source_prepare_failed", type=type_, error=str(exc))


def _schedules(loaded: LoadedConfig) -> list[TeamSchedule]:
    return [
        TeamSchedule(
            team=team.config.team,
            digest_schedule=team.config.digest.schedule if team.config.digest.channels else None,
            timezone=team.config.timezone,
        )
        for team in loaded.teams
    ]


def _quiet_console() -> Console:
    # post_digests reports to a console for the CLI; the service logs its own events instead.
    return Console(file=io.StringIO(), highlight=False)


def run_service(
    config_path: Path,
    loaded: LoadedConfig,
    env: Mapping[str, str],
    *,
    clock: Callable[[], datetime] = system_now,
    confirm_removal: frozenset[str] = frozenset(),
) -> int:
    """Run until SIGTERM; the process's exit status (0 after a clean or safe stop)."""
    settings = loaded.service
    db_url = parse_database_url(settings.database_url)
    lock: InstanceLock | None = None
    try:
        period = lease_duration(dict(env))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if db_url.sqlite_path is not None:
        try:
            lock = lock_sqlite_store(db_url.sqlite_path)
        except InstanceLockedError as exc:
            print(f"error: {exc}", file=sys.stderr)
            get_logger().error("service.refused", reason="sqlite store in use by another service")
            return EXIT_CONFIG
    work_store: DrainableStore | None = None
    control_store: StateStore | None = None
    try:
        try:
            settings.state_dir.mkdir(parents=True, exist_ok=True)
            opened = DrainableStore.open(settings.database_url)
            assert isinstance(opened, DrainableStore)  # open() builds the class it is called on
            work_store = opened
            work_store.migrate()
            control_store = StateStore.open(settings.database_url)
        except StateStoreError as exc:
            print(f"error: state store: {exc}", file=sys.stderr)
            get_logger().error("service.store_unavailable", error=str(exc))
            return EXIT_FAILED
        leases: TeamLeases
        if db_url.is_sqlite:
            leases = SoleLeases(_now, period)
        else:
            leases = StoreLeases(control_store, replica=replica_id(), period=period, clock=_now)
        try:
            service = Service(
                config_path,
                loaded,
                env=env,
                work_store=work_store,
                control_store=control_store,
                leases=leases,
                clock=clock,
                http_host=env.get(HTTP_HOST_ENV_VAR, ""),
                confirm_removal=confirm_removal,
            )
        except OSError as exc:
            print(f"error: cannot serve HTTP on port {settings.http_port}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        service.signals.install()
        service.start()
        clean = service.run_until_stopped()
    finally:
        for store in (work_store, control_store):
            if store is not None:
                store.close()
        if lock is not None:
            lock.release()
    if not clean:
        # A sync thread was abandoned outside any transaction (the gate saw to it); do not
        # wait for it: the interpreter would join it at exit, past the 10 s SIGTERM promises.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)
    return EXIT_OK
