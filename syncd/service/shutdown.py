"""SIGTERM: stop scheduling, wait a little for syncs in flight, then let go of everything."""

from __future__ import annotations

import time
from datetime import timedelta

from syncd.output.logs import get_logger
from syncd.service.service_state import ServiceState
from syncd.workers.pool import end_all_workers

# SIGTERM must end the process within 10 s (Kubernetes' default grace is 30 s; ours is tighter):
# wait this long for syncs in flight, then this long for their open transactions.
STOP_WAIT_FOR_SYNCS = timedelta(seconds=6)
STOP_WAIT_FOR_TRANSACTIONS = timedelta(seconds=2)


class Shutdown(ServiceState):
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
