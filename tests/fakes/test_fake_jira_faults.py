"""Fault injection: scripted and random faults, Retry-After bookkeeping, drops and latency."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests

from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira

NEW = {"fields": {"project": {"key": "PAY"}, "issuetype": {"name": "Task"}, "summary": "x"}}


def _session(fake: FakeJira) -> requests.Session:
    session = requests.Session()
    session.auth = (fake.email, fake.token)
    return session


def _post_issue(fake: FakeJira, session: requests.Session) -> requests.Response:
    return session.post(f"{fake.url}/rest/api/3/issue", json=NEW, timeout=5)


def test_429_carries_retry_after_and_is_not_applied(fake_jira: FakeJira) -> None:
    fake_jira.faults.next(1, Fault("429", retry_after=7))
    answer = _post_issue(fake_jira, _session(fake_jira))
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    assert fake_jira.state.issues == {}
    assert fake_jira.requests[-1].fault == "429"


def test_requests_inside_a_retry_after_window_are_reported(fake_jira: FakeJira) -> None:
    session = _session(fake_jira)
    fake_jira.faults.next(1, Fault("429", retry_after=60))
    assert _post_issue(fake_jira, session).status_code == 429
    assert _post_issue(fake_jira, session).status_code == 201  # too early: a violation
    early = fake_jira.requests_before_retry_after()
    assert [r.status for r in early] == [201]


def test_another_connections_request_in_flight_as_the_429_went_out_is_not_early(
    fake_jira: FakeJira,
) -> None:
    """Another thread's request can have passed the client's gate before the 429 arrived."""
    now = [100.0]
    fake_jira.monotonic = lambda: now[0]
    first, second = _session(fake_jira), _session(fake_jira)
    fake_jira.faults.next(1, Fault("429", retry_after=60))
    assert _post_issue(fake_jira, first).status_code == 429
    now[0] += fake_jira.OTHER_CONNECTION_GRACE / 2
    assert _post_issue(fake_jira, second).status_code == 201  # was already on its way
    assert fake_jira.requests_before_retry_after() == []
    now[0] += fake_jira.OTHER_CONNECTION_GRACE
    assert _post_issue(fake_jira, second).status_code == 201  # long after: a violation
    assert [r.status for r in fake_jira.requests_before_retry_after()] == [201]


@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [
        (Fault("500"), 500, None),
        (Fault("503"), 503, None),
        (Fault("503", retry_after=2), 503, "2"),
    ],
)
def test_server_errors(
    fake_jira: FakeJira, fault: Fault, status: int, retry_after: str | None
) -> None:
    fake_jira.faults.on("POST", "/rest/api/*/issue", fault)
    session = _session(fake_jira)
    first = _post_issue(fake_jira, session)
    assert (first.status_code, first.headers.get("Retry-After")) == (status, retry_after)
    assert _post_issue(fake_jira, session).status_code == 201  # `times=1` by default
    assert list(fake_jira.state.issues) == ["PAY-1"]


def test_drop_before_closes_without_applying(fake_jira: FakeJira) -> None:
    fake_jira.faults.next(1, Fault("drop_before"))
    with pytest.raises(requests.ConnectionError):
        _post_issue(fake_jira, _session(fake_jira))
    assert fake_jira.state.issues == {}
    assert fake_jira.requests[-1].status is None


def test_drop_after_applies_then_loses_the_answer(fake_jira: FakeJira) -> None:
    fake_jira.faults.on("POST", "/rest/api/3/issue/bulk", Fault("drop_after"))
    session = _session(fake_jira)
    with pytest.raises(requests.ConnectionError):
        session.post(
            f"{fake_jira.url}/rest/api/3/issue/bulk", json={"issueUpdates": [NEW] * 3}, timeout=5
        )
    assert list(fake_jira.state.issues) == ["PAY-1", "PAY-2", "PAY-3"]
    answer = session.get(
        f"{fake_jira.url}/rest/api/3/search/jql", timeout=5, params={"jql": "project = PAY"}
    )
    assert len(answer.json()["issues"]) == 3  # the session recovers on a new connection


def test_a_slow_answer_does_not_block_other_requests(fake_jira: FakeJira) -> None:
    fake_jira.faults.on("GET", "/rest/api/3/myself", Fault("slow", delay=1.0))
    slow_done: list[float] = []

    def slow_call() -> None:
        _session(fake_jira).get(f"{fake_jira.url}/rest/api/3/myself", timeout=5)
        slow_done.append(time.monotonic())

    worker = threading.Thread(target=slow_call)
    worker.start()
    deadline = time.monotonic() + 5
    while not fake_jira.faults.injected and time.monotonic() < deadline:
        time.sleep(0.005)  # polling for the slow request to arrive, with a deadline
    started = time.monotonic()
    assert (
        _session(fake_jira).get(f"{fake_jira.url}/rest/api/3/serverInfo", timeout=5).status_code
        == 200
    )
    fast = time.monotonic() - started
    worker.join(timeout=5)
    assert fast < 0.5
    assert slow_done and slow_done[0] - started > 0.5


def test_random_faults_are_reproducible_with_a_seed() -> None:
    def run(seed: int) -> list[tuple[str, Any]]:
        with FakeJira() as fake:
            fake.faults.random(rate=0.3, kinds=["429", "500", "503"], seed=seed)
            session = _session(fake)
            for _ in range(40):
                session.get(f"{fake.url}/rest/api/3/serverInfo", timeout=5)
            return [(r.fault, r.status) for r in fake.requests]

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert first != other
    failed = sum(1 for fault, _ in first if fault)
    assert 4 <= failed <= 20


def test_latency_and_endpoint_counts(fake_jira: FakeJira) -> None:
    fake_jira.faults.latency = 0.05
    session = _session(fake_jira)
    started = time.monotonic()
    for _ in range(3):
        session.get(f"{fake_jira.url}/rest/api/3/issue/PAY-1", timeout=5)
    assert time.monotonic() - started >= 0.15
    assert fake_jira.endpoint_counts() == {"GET /rest/api/3/issue/{issueIdOrKey}": 3}


def test_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("418")


def test_refusing_post_search_answers_405_with_allow_and_get_still_searches(
    fake_jira_dc: FakeJira,
) -> None:
    fake = fake_jira_dc.refuse_post_search()
    fake.state.create_issue(NEW["fields"])
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {fake.pat}"
    url = f"{fake.url}/rest/api/2/search"
    query = {"jql": "project = PAY", "fields": "summary,labels", "startAt": 0, "maxResults": 10}

    for _ in range(2):  # every time, not once
        refused = session.post(url, json=query, timeout=5)
        assert (refused.status_code, refused.headers["Allow"]) == (405, "GET,HEAD,OPTIONS")
        assert refused.content == b""
    found = session.get(url, params=query, timeout=5)

    assert found.status_code == 200
    assert [i["key"] for i in found.json()["issues"]] == ["PAY-1"]
    assert [r.fault for r in fake.requests] == ["405", "405", None]
    # Only searches: other POSTs go through.
    assert session.post(f"{fake.url}/rest/api/2/issue", json=NEW, timeout=5).status_code == 201
