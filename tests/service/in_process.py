"""A ``Service`` in this process, wired as ``run_service`` wires it, with short periods and a
clock the test moves, so that health tests need neither a subprocess nor long waits."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from syncd.config.loader import load_config
from syncd.service.app import Service
from syncd.service.drain import DrainableStore
from syncd.service.leases import DEFAULT_LEASE, SoleLeases, StoreLeases, TeamLeases, replica_id
from syncd.store import StateStore
from syncd.store.database_url import parse_database_url
from tests.service.service_support import http_get, metric_value

FAST_INTERVAL = timedelta(milliseconds=300)
FAST_HEARTBEAT = timedelta(milliseconds=50)


def _now() -> datetime:
    return datetime.now(UTC)


class ServiceUnderTest:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.port = service.probes.port

    def readyz(self) -> tuple[int, dict[str, object]]:
        status, body = http_get(self.port, "/readyz")
        return status, (json.loads(body) if body else {})

    def metric(self, name: str, **labels: str) -> float | None:
        return metric_value(self.port, name, **labels)


@contextmanager
def service_in_process(
    config: Path,
    env: dict[str, str],
    *,
    database_url: str | None = None,
    interval: timedelta = FAST_INTERVAL,
    heartbeat_period: timedelta = FAST_HEARTBEAT,
    ticks: Callable[[], float] = time.monotonic,
    store_check_timeout: timedelta = timedelta(seconds=2),
    confirm_removal: frozenset[str] = frozenset(),
) -> Iterator[ServiceUnderTest]:
    loaded = load_config(config, env=env)
    assert loaded.errors == [], [str(error) for error in loaded.errors]
    url = database_url or loaded.service.database_url
    loaded.service.state_dir.mkdir(parents=True, exist_ok=True)
    work = DrainableStore.open(url)
    assert isinstance(work, DrainableStore)
    work.migrate()
    control = StateStore.open(url)
    leases: TeamLeases
    if parse_database_url(url).is_sqlite:
        leases = SoleLeases(_now, DEFAULT_LEASE)
    else:
        leases = StoreLeases(control, replica=replica_id(), period=DEFAULT_LEASE, clock=_now)
    service = Service(
        config,
        loaded,
        env=env,
        work_store=work,
        control_store=control,
        leases=leases,
        interval=interval,
        http_host="127.0.0.1",
        http_port=0,
        heartbeat_period=heartbeat_period,
        ticks=ticks,
        store_check_timeout=store_check_timeout,
        confirm_removal=confirm_removal,
    )
    service.start()
    try:
        yield ServiceUnderTest(service)
    finally:
        service.stop()
        work.close()
        control.close()
