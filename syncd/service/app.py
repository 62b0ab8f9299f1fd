"""``syncd run``'s replica: the ``Service`` that wires configuration, store, leases, scheduler,
probes and signals together. Its parts each hold one concern: ``lease_keeping``,
``config_reload``, ``sync_job``, ``digest_job`` and ``shutdown``; ``process`` runs it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from syncd import plugins
from syncd.config.loader import LoadedConfig
from syncd.output.logs import get_logger
from syncd.output.redaction import redactor
from syncd.service.bounded_check import BoundedCheck
from syncd.service.config_reload import ConfigReload
from syncd.service.digest_job import DigestJob
from syncd.service.drain import DrainableStore
from syncd.service.failure_log import ServiceFailures
from syncd.service.http import ProbeServer
from syncd.service.leases import TeamLeases
from syncd.service.metrics import ServiceMetrics
from syncd.service.readiness import (
    HEARTBEAT_PERIOD,
    STORE_CHECK_TIMEOUT,
    Readiness,
    judge_readiness,
)
from syncd.service.scheduler import TeamScheduler
from syncd.service.service_state import real_now, team_schedules
from syncd.service.shutdown import Shutdown
from syncd.service.signals import ServiceSignals
from syncd.service.sync_job import SyncJob
from syncd.service.webhook_job import webhook_route
from syncd.status_page.access import StatusAccess
from syncd.status_page.pages import PREFIX as STATUS_PREFIX
from syncd.status_page.pages import StatusPages
from syncd.store import StateStore, StateStoreError
from syncd.webhooks.receiver import MAX_WEBHOOK_BYTES
from syncd.webhooks.receiver import PREFIX as WEBHOOKS_PREFIX

SIGNAL_POLL_SECONDS = 0.25  # how late a signal delivered to another thread may be handled


class Service(ConfigReload, SyncJob, DigestJob, Shutdown):
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
        clock: Callable[[], datetime] = real_now,
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
        self._interval_fixed = interval is not None
        self.metrics.sync_interval.set(self._interval.total_seconds())
        self._clock = clock
        self._failures = {}
        self._failure_logs = ServiceFailures()
        self._confirm_removal = confirm_removal
        self._confirm_spent = set()
        self._running = set()
        self._running_changed = threading.Condition()
        self._lease_stop = threading.Event()
        self._lease_thread = threading.Thread(
            target=self._lease_loop, name="syncd-leases", daemon=True
        )
        self._heartbeat_period = heartbeat_period
        self._scheduler = self._team_scheduler(ticks)
        self._store_check = BoundedCheck(
            self._ping_store,
            timeout=store_check_timeout.total_seconds(),
            name="syncd-store-check",
        )
        self.signals = ServiceSignals()
        self._init_webhooks()
        self.probes = self._probe_server(http_host, http_port)

    def _team_scheduler(self, ticks: Callable[[], float]) -> TeamScheduler:
        return TeamScheduler(
            interval=self._interval,
            run_sync=self.sync_team,
            run_digest=self.post_digest,
            heartbeat_period=self._heartbeat_period,
            ticks=ticks,
            wall=self._clock,  # the digests' slots are read on it
        )

    def _probe_server(self, http_host: str, http_port: int | None) -> ProbeServer:
        return ProbeServer(
            host=http_host,
            port=self._loaded.service.http_port if http_port is None else http_port,
            readiness=self.readiness,
            metrics=self.metrics.render,
            metrics_content_type=self.metrics.content_type,
            prefix_routes={
                STATUS_PREFIX: self._status_pages(http_host),
                WEBHOOKS_PREFIX: webhook_route(self.webhooks),
            },
            body_limits={WEBHOOKS_PREFIX: MAX_WEBHOOK_BYTES},
        )

    def _status_pages(self, http_host: str) -> StatusPages:
        access = StatusAccess.from_env(
            self._env, host=http_host, trusted_header=self._loaded.service.status_trusted_header
        )
        redactor.register([access.token, access.password])  # masked wherever they would appear
        return StatusPages(
            config=lambda: self._loaded, store=self._work_store, access=access, clock=self._clock
        )

    def start(self) -> None:
        _prepare_sources(self._loaded)
        self.probes.start()
        self._refresh_leases()
        self._scheduler.set_teams(team_schedules(self._loaded))
        self._scheduler.start()
        self._lease_thread.start()
        self._start_webhooks()
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
