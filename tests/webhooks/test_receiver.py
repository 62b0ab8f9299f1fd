"""The receiver on its own: which answer each request gets, what is counted, and that a slow
or failing store never holds the answer past its second nor takes the endpoint down."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from syncd.store import StateStoreError
from syncd.webhooks.debounce import PendingTeam, QueueLimits
from syncd.webhooks.receiver import WebhookReceiver, WebhookSecrets
from syncd.webhooks.recorder import Recorder
from syncd.webhooks.route import HookTarget
from syncd.webhooks.verify import signature_of
from tests.webhooks.deliveries import generic_event, github_headers, github_issue_event

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRETS = WebhookSecrets(github="gh", jira_token="tok", generic="gen")
TARGETS = (HookTarget("search", github_repo="acme/search"), HookTarget("payments"))


class MemoryRequests:
    """Sync requests kept in memory; ``gate`` (when given) holds every recording until set."""

    def __init__(self, gate: threading.Event | None = None, fail: bool = False) -> None:
        self.recorded: dict[tuple[str, str], datetime] = {}
        self.gate = gate
        self.fail = fail
        self.entered = threading.Event()  # a recording reached the store

    def request_sync(
        self,
        delivery_id: str,
        team: str,
        *,
        endpoint: str,
        at: datetime,
        admit: Callable[[int, int], str],
    ) -> str:
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(timeout=30)
        if self.fail:
            raise StateStoreError("cannot record a sync request at sqlite:///x: disk I/O error")
        if (delivery_id, team) in self.recorded:
            return "duplicate"
        self.recorded[(delivery_id, team)] = at
        return "accepted"

    def pending_sync_requests(self) -> list[PendingTeam]:
        return []

    def settle_sync_requests(
        self, team: str, *, received_by: datetime, at: datetime
    ) -> list[datetime]:
        return []

    def prune_sync_requests(self, *, done_before: datetime, received_before: datetime) -> int:
        return 0


def _receiver(
    store: MemoryRequests, secrets: WebhookSecrets = SECRETS, **options: Any
) -> tuple[WebhookReceiver, Counter[tuple[str, str]]]:
    counted: Counter[tuple[str, str]] = Counter()
    receiver = WebhookReceiver(
        secrets=secrets,
        store=store,
        count=lambda endpoint, outcome: counted.update([(endpoint, outcome)]),
        clock=lambda: NOW,
        limits=QueueLimits(10, 100),
        **options,
    )
    receiver.set_teams(TARGETS, QueueLimits(10, 100))
    return receiver, counted


def _github(receiver: WebhookReceiver, delivery: str = "d-1") -> tuple[int, dict[str, object]]:
    body = github_issue_event("acme/search")
    headers = github_headers("gh", body, event="issues", delivery=delivery)
    status, _, answer = receiver.handle(
        "/hooks/github", {k.lower(): v for k, v in headers.items()}, body
    )
    return status, (json.loads(answer) if status == 202 else {})


def test_an_endpoint_without_its_secret_does_not_exist() -> None:
    store = MemoryRequests()
    receiver, counted = _receiver(store, WebhookSecrets())
    body = generic_event("payments")
    for path, headers in [
        ("/hooks/github", {"x-hub-signature-256": signature_of("", body)}),
        ("/hooks/generic", {"x-syncd-signature-256": signature_of("", body)}),
        ("/hooks/jira/", {}),
        ("/hooks/jira/x", {}),
    ]:
        assert receiver.handle(path, headers, body)[0] == 404, path
    assert store.recorded == {} and not counted


@pytest.mark.parametrize("path", ["/hooks/", "/hooks/gitlab", "/hooks/github/x", "/hooks/jira"])
def test_unknown_hook_paths_are_404(path: str) -> None:
    receiver, _ = _receiver(MemoryRequests())
    assert receiver.handle(path, {}, b"{}")[0] == 404


def test_a_jira_path_token_is_checked_and_a_wrong_one_counted() -> None:
    store = MemoryRequests()
    receiver, counted = _receiver(store)
    body = b'{"webhookEvent": "jira:issue_updated", "issue": {"key": "PAY-1"}}'
    assert receiver.handle("/hooks/jira/tok2", {}, body)[0] == 401
    assert receiver.handle("/hooks/jira/to", {}, body)[0] == 401
    assert receiver.handle("/hooks/jira/tok/extra", {}, body)[0] == 401
    assert counted == {("jira", "rejected"): 3}
    assert receiver.handle("/hooks/jira/tok", {}, body)[0] == 202  # no team has project PAY
    assert counted[("jira", "ignored")] == 1 and store.recorded == {}


def test_a_jira_path_token_made_by_base64_slashes_and_all_is_accepted() -> None:
    # `openssl rand -base64 24` gives "/", "+" and "=": such a token was answered 404, with
    # nothing logged or counted, and Jira's webhook never worked.
    token = "k3/Zq+8w/Ab=="
    receiver, counted = _receiver(MemoryRequests(), WebhookSecrets(jira_token=token))
    body = b'{"webhookEvent": "jira:issue_updated", "issue": {"key": "PAY-1"}}'
    assert receiver.handle(f"/hooks/jira/{token}", {}, body)[0] == 202
    assert receiver.handle("/hooks/jira/k3/Zq+8w", {}, body)[0] == 401
    assert counted == {("jira", "ignored"): 1, ("jira", "rejected"): 1}


def test_a_signed_body_that_is_not_the_endpoints_json_is_a_400_recording_nothing() -> None:
    store = MemoryRequests()
    receiver, counted = _receiver(store)
    for body in (b"not json", b"[]", b'{"team": 5}'):
        headers = {"x-syncd-signature-256": signature_of("gen", body)}
        status, _, answer = receiver.handle("/hooks/generic", headers, body)
        assert status == 400 and b"JSON" in answer
    assert store.recorded == {} and counted == {("generic", "ignored"): 3}


def test_a_slow_store_does_not_hold_the_answer_and_the_recording_completes_after() -> None:
    gate = threading.Event()
    store = MemoryRequests(gate)
    receiver, counted = _receiver(store)
    status, answer = _github(receiver)
    # Answered while the store still holds the recording (the gate is not set yet).
    assert status == 202 and answer["teams"] == {"search": "recording"}
    assert store.recorded == {} and not gate.is_set()
    gate.set()
    deadline = threading.Event()
    for _ in range(600):  # poll with a deadline: the recorder thread finishes on its own
        if counted[("github", "accepted")]:
            break
        deadline.wait(0.05)
    assert counted[("github", "accepted")] == 1 and ("d-1", "search") in store.recorded


def test_a_failing_store_answers_503_and_counts_it() -> None:
    receiver, counted = _receiver(MemoryRequests(fail=True))
    status, _ = _github(receiver)
    assert status == 503 and counted == {("github", "failed"): 1}


def test_a_full_recording_queue_answers_503_instead_of_growing() -> None:
    gate = threading.Event()
    store = MemoryRequests(gate)
    # One thread, held by the store, and room for two more: the fourth and fifth are refused.
    receiver, counted = _receiver(store, recorder=Recorder(1, 2), answer_within=0.0)
    try:
        answers = [_github(receiver, delivery="d-0")[0]]
        assert store.entered.wait(timeout=30)  # the thread holds it: the queue is empty
        answers += [_github(receiver, delivery=f"d-{n}")[0] for n in range(1, 5)]
    finally:
        gate.set()
    assert answers.count(202) == 3 and answers.count(503) == 2, answers
    assert counted[("github", "failed")] == 2


def test_syncds_own_events_are_ignored_per_team() -> None:
    store = MemoryRequests()
    receiver, counted = _receiver(store)
    receiver.set_own_accounts({"search": frozenset({"alice-gh"})})
    status, answer = _github(receiver)
    assert status == 202 and answer["teams"] == {"search": "ignored"}
    assert store.recorded == {} and counted == {("github", "ignored"): 1}
    receiver.set_own_accounts({"payments": frozenset({"alice-gh"})})
    assert _github(receiver)[1]["teams"] == {"search": "accepted"}


def test_an_unknown_team_is_named_back_cut_short_and_nothing_is_recorded() -> None:
    store = MemoryRequests()
    receiver, _ = _receiver(store)
    body = json.dumps({"team": "x" * 5000}).encode()
    headers = {"x-syncd-signature-256": signature_of("gen", body)}
    status, _, answer = receiver.handle("/hooks/generic", headers, body)
    assert status == 404 and store.recorded == {}
    assert len(answer) < 200 and "x" * 80 + "…" in answer.decode()
