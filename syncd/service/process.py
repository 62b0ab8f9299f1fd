"""The ``syncd run`` process: the lease period, the SQLite lock, the stores, one ``Service``
until SIGTERM, and the exit status."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from syncd.clock import system_now
from syncd.config.loader import LoadedConfig
from syncd.output.logs import get_logger
from syncd.service.app import Service
from syncd.service.drain import DrainableStore
from syncd.service.instance_lock import InstanceLock, InstanceLockedError, lock_sqlite_store
from syncd.service.leases import (
    SoleLeases,
    StoreLeases,
    TeamLeases,
    lease_duration,
    replica_id,
)
from syncd.service.service_state import real_now
from syncd.store import StateStore, StateStoreError
from syncd.store.database_url import DatabaseUrl, parse_database_url

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
HTTP_HOST_ENV_VAR = "SYNCD_HTTP_HOST"  # default: every interface, as probes come from outside


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
    try:
        status, clean = _serve(
            config_path,
            loaded,
            env,
            db_url=db_url,
            period=period,
            clock=clock,
            confirm_removal=confirm_removal,
        )
    finally:
        if lock is not None:
            lock.release()
    if not clean:
        # A sync thread was abandoned outside any transaction (the gate saw to it); do not
        # wait for it: the interpreter would join it at exit, past the 10 s SIGTERM promises.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_OK)
    return status


def _serve(
    config_path: Path,
    loaded: LoadedConfig,
    env: Mapping[str, str],
    *,
    db_url: DatabaseUrl,
    period: timedelta,
    clock: Callable[[], datetime],
    confirm_removal: frozenset[str],
) -> tuple[int, bool]:
    """Open the stores, serve until stopped, close them: the exit status, and whether
    everything stopped cleanly."""
    settings = loaded.service
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
            return EXIT_FAILED, True
        leases: TeamLeases
        if db_url.is_sqlite:
            leases = SoleLeases(real_now, period)
        else:
            leases = StoreLeases(control_store, replica=replica_id(), period=period, clock=real_now)
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
            return EXIT_FAILED, True
        service.signals.install()
        service.start()
        return EXIT_OK, service.run_until_stopped()
    finally:
        for store in (work_store, control_store):
            if store is not None:
                store.close()
