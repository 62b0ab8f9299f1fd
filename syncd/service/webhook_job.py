"""Webhooks in the service: the receiver behind ``POST /hooks/...``, the poll that turns a
team's pending requests into one sync on the replica holding its lease, and learning which
account syncd writes as in each tracker (events it caused are ignored).

The poll reads the store's pending requests every second (one grouped, indexed query), so a
request recorded by any replica reaches the team's holder within about a second; the debounce
(``webhook_debounce``) then folds a burst into one sync. A sync settles every request received
before it started; one received while it runs waits for the next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from syncd.config.loader import LoadedConfig
from syncd.cycle.tracker_stage import open_tracker
from syncd.output.logs import get_logger
from syncd.service.http import PrefixRoute, WebAnswer, WebRequest
from syncd.service.metrics import ServiceMetrics
from syncd.service.service_state import ServiceState, real_now
from syncd.store import StateStore, StateStoreError
from syncd.tracker import KnowsOwnAccount
from syncd.webhooks.debounce import QueueLimits, due_teams
from syncd.webhooks.receiver import PREFIX, WebhookReceiver, WebhookSecrets
from syncd.webhooks.targets import hook_targets

POLL_SECONDS = 1.0
# A sync asked for but not started yet (all workers busy) is not asked for again before this.
TRIGGER_GRACE_SECONDS = 30.0
PRUNE_EVERY_SECONDS = 600.0
KEEP_REQUESTS = timedelta(days=1)  # delivery ids are remembered this long (GitHub redelivers)
# The whole queue holds the per-team limit times the teams, and never less than for this many.
QUEUE_TEAMS_AT_LEAST = 10
LEARN_RETRY_SECONDS = 300.0


def queue_limits(loaded: LoadedConfig) -> QueueLimits:
    per_team = loaded.service.webhook_queue_limit
    return QueueLimits(per_team, per_team * max(QUEUE_TEAMS_AT_LEAST, len(loaded.teams)))


def webhook_route(receiver: WebhookReceiver) -> PrefixRoute:
    """``/hooks/...`` as a route of the service's HTTP server: POST only."""

    def route(request: WebRequest) -> WebAnswer:
        if request.method != "POST":
            return WebAnswer(405, "text/plain; charset=utf-8", b"POST only\n", (("Allow", "POST"),))
        try:
            status, content_type, body = receiver.handle(
                request.path, request.headers, request.body
            )
        except Exception:
            # The route only: a path may hold a secret token (/hooks/jira/<token>).
            get_logger().exception("webhook.failed", route=PREFIX)
            raise
        return WebAnswer(status, content_type, body)

    return route


def webhook_receiver(
    loaded: LoadedConfig, env: dict[str, str], store: StateStore, metrics: ServiceMetrics
) -> WebhookReceiver:
    receiver = WebhookReceiver(
        secrets=WebhookSecrets.from_env(env),
        store=store,
        count=lambda endpoint, outcome: metrics.webhook_events.labels(endpoint, outcome).inc(),
        clock=real_now,  # replicas compare receipt times: never a pinned clock
        limits=queue_limits(loaded),
    )
    receiver.set_teams(hook_targets(loaded.teams), queue_limits(loaded))
    return receiver


class WebhookJob(ServiceState):
    webhooks: WebhookReceiver
    _webhook_wake: threading.Event  # set on reload: learn the new teams' accounts
    _triggered: dict[str, float]  # team -> when its sync was asked for (monotonic)
    _own_accounts: dict[str, frozenset[str]]

    def _init_webhooks(self) -> None:
        """In ``__init__``: the scheduler may run a sync before ``start`` returns."""
        self._triggered = {}
        self._own_accounts = {}
        self._webhook_wake = threading.Event()
        self.webhooks = webhook_receiver(
            self._loaded, dict(self._env), self._control_store, self.metrics
        )

    def _start_webhooks(self) -> None:
        # Requests recorded by any replica are polled for here, secrets or not; syncd's own
        # accounts are asked of the trackers only when their events can arrive at this one.
        loops = [(self._poll_loop, "syncd-webhooks")]
        if self.webhooks.tracker_events:
            loops.append((self._learn_loop, "syncd-own"))
        for target, name in loops:
            threading.Thread(target=target, name=name, daemon=True).start()

    def _webhooks_reloaded(self) -> None:
        self.webhooks.set_teams(hook_targets(self._loaded.teams), queue_limits(self._loaded))
        names = {team.config.team for team in self._loaded.teams}
        self._own_accounts = {t: a for t, a in self._own_accounts.items() if t in names}
        self.webhooks.set_own_accounts(self._own_accounts)
        self._webhook_wake.set()

    # -- the holder's side ---------------------------------------------------------------------

    def _poll_loop(self) -> None:
        last_prune = time.monotonic()
        failing = False
        while not self._lease_stop.wait(POLL_SECONDS):
            try:
                self._trigger_due()
                if time.monotonic() - last_prune > PRUNE_EVERY_SECONDS:
                    last_prune = time.monotonic()
                    now = real_now()
                    self._control_store.prune_sync_requests(
                        done_before=now - KEEP_REQUESTS, received_before=now - KEEP_REQUESTS
                    )
            except StateStoreError as exc:
                if not failing:  # the first failure and the recovery, not every second
                    get_logger().warning("webhook.poll_failed", error=str(exc))
                failing = True
                continue
            if failing:
                get_logger().info("webhook.poll_recovered")
                failing = False

    def _trigger_due(self) -> None:
        pending = [
            p for p in self._control_store.pending_sync_requests() if self._leases.holds(p.team)
        ]
        debounce = self._loaded.service.webhook_debounce
        for team in due_teams(pending, now=real_now(), debounce=debounce):
            with self._running_changed:
                running = team in self._running
            asked = self._triggered.get(team)
            if running or (asked is not None and time.monotonic() - asked < TRIGGER_GRACE_SECONDS):
                continue  # a running sync settles what came before it; the rest waits for it
            self._triggered[team] = time.monotonic()
            get_logger(team=team).info("webhook.sync_requested")
            self._scheduler.sync_soon(team)

    def _webhook_sync_started(self, team: str) -> datetime:
        self._triggered.pop(team, None)
        return real_now()

    def _settle_sync_requests(self, team: str, started: datetime) -> None:
        """After a cycle of ``team`` that started at ``started``: its requests received before
        then are done (the cycle read everything they could have changed)."""
        finished = real_now()
        try:
            received = self._control_store.settle_sync_requests(
                team, received_by=started, at=finished
            )
        except StateStoreError as exc:  # they stay pending: one more sync, nothing lost
            get_logger(team=team).warning("webhook.settle_failed", error=str(exc))
            return
        for at in received:
            self.metrics.webhook_latency.observe(max(0.0, (finished - at).total_seconds()))

    # -- syncd's own accounts ------------------------------------------------------------------

    def _learn_loop(self) -> None:
        while not self._lease_stop.is_set():
            self._learn_own_accounts()
            self._webhook_wake.wait(LEARN_RETRY_SECONDS)
            self._webhook_wake.clear()

    def _learn_own_accounts(self) -> None:
        for team in list(self._loaded.teams):
            name = team.config.team
            if name in self._own_accounts or self._lease_stop.is_set():
                continue
            account = _own_account(
                name, partial(open_tracker, team, now=real_now(), mirroring=False)
            )
            if account is not None:
                self._own_accounts[name] = frozenset({account})
                get_logger(team=name).info("webhook.own_account_learnt")
                self.webhooks.set_own_accounts(self._own_accounts)


def _own_account(team: str, opener: Callable[[], object]) -> str | None:
    """The account the team's tracker writes as; None when it cannot say (or is unreachable:
    its events are then acted on, which costs a sync, never a missed change)."""
    tracker = None
    try:
        tracker = opener()
        if isinstance(tracker, KnowsOwnAccount):
            return tracker.own_account()
    except Exception as exc:
        get_logger(team=team).info(
            "webhook.own_account_unknown", error=f"{type(exc).__name__}: {exc}"
        )
    finally:
        close = getattr(tracker, "close", None)
        if callable(close):
            close()
    return None
