"""The scheduled digest of one team: every replica may try, one posts it."""

from __future__ import annotations

import io

from rich.console import Console

from syncd.cli.digest_command import post_digests
from syncd.output.failure_streaks import FailureKey
from syncd.output.logs import failures_reported_by, get_logger
from syncd.service.service_state import ServiceState
from syncd.store import DigestPostStatus

# A digest job that failed as a whole, before or between its channels' posts.
DIGEST = FailureKey("digest")


class DigestJob(ServiceState):
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
                channel_type = post.channel.split(":")[0]
                if post.posted_at == now and post.claimed_by is not None:
                    self.metrics.digests_posted.labels(name, channel_type).inc()
                elif post.status is DigestPostStatus.FAILED and post.lease_until == now:
                    self.metrics.digest_failures.labels(name, channel_type).inc()
        except Exception as exc:
            self.metrics.digest_failures.labels(name, "unknown").inc()
            failure_log.report(
                log, DIGEST, "service.digest_failed", f"{type(exc).__name__}: {exc}", traceback=True
            )
        else:
            failure_log.settle(log, ("digest",))


def _quiet_console() -> Console:
    # post_digests reports to a console for the CLI; the service logs its own events instead.
    return Console(file=io.StringIO(), highlight=False)
