"""Which teams this replica works: its leases, refreshed on start, on reload and by a thread."""

from __future__ import annotations

from syncd.output.logs import get_logger
from syncd.service.service_state import ServiceState


class LeaseKeeping(ServiceState):
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
