"""``POST /hooks/github``, ``/hooks/jira/<token>`` and ``/hooks/generic``: check, read, route
and record a delivery; answer at once (GitHub gives up after 10 s).

Nothing is synced here: a request for each team concerned is recorded in the state store,
where the replica holding the team's lease picks it up (``syncd.service.webhook_job``). So a
delivery to any replica leads to one sync, and a delivery id seen before (by any replica, before
a restart) is a duplicate. A request that fails its check gets 401 and changes nothing. An
endpoint whose secret is not set answers 404: it never accepts unsigned requests.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from syncd.output.logs import get_logger
from syncd.output.redaction import redactor
from syncd.store import StateStoreError
from syncd.store.roles import SyncRequestStore
from syncd.webhooks.debounce import QueueLimits, admission
from syncd.webhooks.events import (
    GENERIC,
    GITHUB,
    JIRA,
    BadDelivery,
    Delivery,
    generic_delivery,
    github_delivery,
    jira_delivery,
)
from syncd.webhooks.recorder import Recorder
from syncd.webhooks.route import HookTarget, caused_by_syncd, teams_for
from syncd.webhooks.verify import signature_matches, token_matches

PREFIX = "/hooks"
MAX_WEBHOOK_BYTES = 1024 * 1024  # GitHub's push events run to hundreds of KiB; beyond, 413
GITHUB_SECRET_ENV = "SYNCD_GITHUB_WEBHOOK_SECRET"
JIRA_TOKEN_ENV = "SYNCD_JIRA_WEBHOOK_TOKEN"
JIRA_SECRET_ENV = "SYNCD_JIRA_WEBHOOK_SECRET"  # optional: Jira Cloud admin webhooks sign too
GENERIC_SECRET_ENV = "SYNCD_WEBHOOK_SECRET"
SECRET_ENV_VARS = (GITHUB_SECRET_ENV, JIRA_TOKEN_ENV, JIRA_SECRET_ENV, GENERIC_SECRET_ENV)

REJECTED, IGNORED, FAILED = "rejected", "ignored", "failed"
RECORDING = "recording"  # only in an answer: the store had not answered within the second
# GitHub waits 10 s for an answer; the promise is one. A store slower than this (SQLite waiting
# out a long write) finishes recording after the answer.
ANSWER_WITHIN_SECONDS = 0.8
RECORDER_THREADS = 4
RECORDER_QUEUE = 256  # recordings waiting for the store; beyond, 503 (senders retry)
_TEXT = "text/plain; charset=utf-8"

Answer = tuple[int, str, bytes]


@dataclass(frozen=True, slots=True)
class WebhookSecrets:
    github: str = ""
    jira_token: str = ""
    jira_secret: str = ""
    generic: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebhookSecrets:
        """Read from the environment, and masked in every log line and page from now on."""
        redactor.register(env.get(name) for name in SECRET_ENV_VARS)
        return cls(
            github=env.get(GITHUB_SECRET_ENV, ""),
            jira_token=env.get(JIRA_TOKEN_ENV, ""),
            jira_secret=env.get(JIRA_SECRET_ENV, ""),
            generic=env.get(GENERIC_SECRET_ENV, ""),
        )

    @property
    def tracker_events(self) -> bool:
        """Whether a tracker's events can arrive (GitHub or Jira), whose sender may be syncd."""
        return bool(self.github or self.jira_token)


class WebhookReceiver:
    """Answers webhook deliveries; ``set_teams`` and ``set_own_accounts`` keep it current."""

    def __init__(
        self,
        *,
        secrets: WebhookSecrets,
        store: SyncRequestStore,
        count: Callable[[str, str], None],
        clock: Callable[[], datetime],
        limits: QueueLimits,
        recorder: Recorder | None = None,
        answer_within: float = ANSWER_WITHIN_SECONDS,
    ) -> None:
        self._secrets = secrets
        self.tracker_events = secrets.tracker_events
        self._store = store
        self._count = count  # (endpoint, outcome)
        self._clock = clock
        self._limits = limits
        self._recorder = recorder or Recorder(RECORDER_THREADS, RECORDER_QUEUE)
        self._answer_within = answer_within
        self._targets: tuple[HookTarget, ...] = ()
        self._own: Mapping[str, frozenset[str]] = {}

    def set_teams(self, targets: tuple[HookTarget, ...], limits: QueueLimits) -> None:
        self._targets, self._limits = targets, limits  # each a reference swap: no lock needed

    def set_own_accounts(self, own: Mapping[str, frozenset[str]]) -> None:
        """The accounts syncd writes as, by team: events they caused are ignored."""
        self._own = dict(own)

    def handle(self, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """``headers`` with lower-case names; ``body`` as received (signatures cover it)."""
        endpoint, _, rest = path.removeprefix(PREFIX + "/").partition("/")
        if endpoint == GITHUB and not rest:
            return self._signed(GITHUB, self._secrets.github, "x-hub-signature-256", headers, body)
        if endpoint == GENERIC and not rest:
            return self._signed(
                GENERIC, self._secrets.generic, "x-syncd-signature-256", headers, body
            )
        if endpoint == JIRA and rest:
            # All the rest is the token: one made with base64 holds "/" (and "+", "=").
            return self._jira(rest, headers, body)
        return 404, _TEXT, b"not found\n"

    def _signed(
        self, endpoint: str, secret: str, header: str, headers: Mapping[str, str], body: bytes
    ) -> Answer:
        if not secret:
            return 404, _TEXT, b"not found\n"  # not configured: never accept unsigned requests
        if not signature_matches(secret, body, headers.get(header)):
            return self._rejected(endpoint, f"{header} is missing or does not match the body")
        return self._record(endpoint, headers, body)

    def _jira(self, token: str, headers: Mapping[str, str], body: bytes) -> Answer:
        if not self._secrets.jira_token:
            return 404, _TEXT, b"not found\n"
        if not token_matches(self._secrets.jira_token, token):
            return self._rejected(JIRA, "the path token does not match")
        secret = self._secrets.jira_secret
        if secret and not signature_matches(secret, body, headers.get("x-hub-signature")):
            return self._rejected(JIRA, "x-hub-signature is missing or does not match the body")
        return self._record(JIRA, headers, body)

    def _rejected(self, endpoint: str, why: str) -> Answer:
        self._count(endpoint, REJECTED)
        get_logger().warning("webhook.rejected", endpoint=endpoint, reason=why)
        return 401, _TEXT, b"unauthorized\n"

    def _record(self, endpoint: str, headers: Mapping[str, str], body: bytes) -> Answer:
        try:
            delivery = _read(endpoint, headers, body)
        except BadDelivery as exc:
            self._count(endpoint, IGNORED)
            return 400, _TEXT, f"{exc}\n".encode()
        teams = teams_for(delivery, self._targets)
        if endpoint == GENERIC and not teams:
            self._count(endpoint, IGNORED)
            # The name as sent, cut short: an answer is no place to echo kilobytes back.
            sent = delivery.team or ""
            named = sent if len(sent) <= 80 else sent[:80] + "…"
            return 404, _TEXT, f"no team named {named!r} is configured\n".encode()
        outcomes: dict[str, str] = {}
        waiting: dict[str, Future[str]] = {}
        for team in teams:
            if caused_by_syncd(delivery, self._own.get(team, frozenset())):
                outcomes[team] = IGNORED
                self._count(endpoint, IGNORED)
            else:
                waiting[team] = self._recorder.submit(partial(self._request, delivery, team))
        if not teams:
            self._count(endpoint, IGNORED)
        deadline = time.monotonic() + self._answer_within
        for team, future in waiting.items():
            try:
                outcomes[team] = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                # Still being recorded (the store is slow): it counts its outcome when done.
                outcomes[team] = RECORDING
            except Exception as exc:  # the queue is full, or a bug: the sender may retry
                get_logger(team=team).warning("webhook.record_failed", error=str(exc))
                self._count(endpoint, FAILED)
                outcomes[team] = FAILED
        if FAILED in outcomes.values():
            # The sender retries (Jira, a CI job) or polling catches up (GitHub does not).
            return 503, _TEXT, b"the state store is unavailable; try again\n"
        answer = {"delivery": delivery.delivery_id, "teams": outcomes}
        return 202, "application/json", (json.dumps(answer, sort_keys=True) + "\n").encode()

    def _request(self, delivery: Delivery, team: str) -> str:
        """Record one team's request; its outcome, counted (on a recorder thread)."""
        log = get_logger(team=team)
        limits = self._limits
        try:
            outcome = self._store.request_sync(
                delivery.delivery_id,
                team,
                endpoint=delivery.endpoint,
                at=self._clock(),
                admit=lambda of_team, total: admission(of_team, total, limits),
            )
        except StateStoreError as exc:
            log.warning("webhook.record_failed", endpoint=delivery.endpoint, error=str(exc))
            outcome = FAILED
        else:
            log.info(
                "webhook.received",
                endpoint=delivery.endpoint,
                kind=delivery.kind,
                delivery=delivery.delivery_id,
                outcome=outcome,
            )
        self._count(delivery.endpoint, outcome)
        return outcome


def _read(endpoint: str, headers: Mapping[str, str], body: bytes) -> Delivery:
    if endpoint == GITHUB:
        return github_delivery(headers, body, fallback_id=_body_id(endpoint, body))
    if endpoint == JIRA:
        return jira_delivery(headers, body, fallback_id=_body_id(endpoint, body))
    # A CI job may post the same body for two merges: without an id, each is its own delivery.
    return generic_delivery(headers, body, fallback_id=f"generic:{uuid.uuid4()}")


def _body_id(endpoint: str, body: bytes) -> str:
    # A sender that names no delivery retries with the same body: the same id.
    return f"{endpoint}:sha256:{hashlib.sha256(body).hexdigest()}"
