"""SIGHUP: load the configuration again, or keep the one running when the new one is broken."""

from __future__ import annotations

from syncd.config.loader import load_config
from syncd.output.logs import get_logger, redactor
from syncd.output.secret_values import secret_values
from syncd.service.lease_keeping import LeaseKeeping
from syncd.service.service_state import team_schedules
from syncd.service.webhook_job import WebhookJob


class ConfigReload(LeaseKeeping, WebhookJob):
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
            self.metrics.sync_interval.set(self._interval.total_seconds())
        self._scheduler.set_teams(team_schedules(loaded))
        self._refresh_leases()
        self._webhooks_reloaded()
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
