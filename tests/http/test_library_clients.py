"""The real jira and PyGithub clients behind the policy: retries happen once, in one place."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import github
import jira
import pytest

from connectors.github.client_setup import configure_github, github_client_options
from connectors.jira.client_setup import configure_jira, jira_client_options
from syncd.http import AmbiguousWriteError, HttpPolicy, PolicyEngine, TransientError
from tests.http.fakes import Records, VirtualClock
from tests.http.loopback import Loopback, Reply, serve

POLICY = HttpPolicy(max_attempts=3, read_timeout=5.0, backoff_base=1.0, max_inline_wait=120.0)
TOKEN = "test-api-token-0123456789"  # a stand-in credential, checked never to be echoed


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def records() -> Records:
    return Records()


def _engine(clock: VirtualClock, records: Records, service: str) -> PolicyEngine:
    return PolicyEngine(
        POLICY, service=service, clock=clock, rng=random.Random(2), observer=records
    )


# --- jira -----------------------------------------------------------------------------------


def _jira(url: str, engine: PolicyEngine, **options: object) -> jira.JIRA:
    settings = {**jira_client_options(), **options}
    client = jira.JIRA(
        server=url,
        basic_auth=("someone@example.com", TOKEN),
        options={"rest_api_version": "3"},
        **settings,
    )
    configure_jira(client, engine)
    return client


ISSUE = {"id": "10001", "key": "PAY-1", "self": "", "fields": {"summary": "Rotate the keys"}}


@pytest.mark.parametrize("own_retries", [0, 3], ids=["built-off", "default-then-configured"])
@pytest.mark.parametrize(
    "failure",
    [Reply(503), Reply(503, {"Retry-After": "2"}), Reply(429, {"Retry-After": "2"})],
    ids=["503", "503-retry-after", "429-retry-after"],
)
def test_jira_sends_exactly_max_attempts(
    clock: VirtualClock, records: Records, own_retries: int, failure: Reply
) -> None:
    with serve(otherwise=failure, now=clock.monotonic) as server:
        client = _jira(server.url, _engine(clock, records, "jira"), max_retries=own_retries)
        with pytest.raises(TransientError):
            client.issue("PAY-1")
    assert server.count() == POLICY.max_attempts
    assert [r.retried for r in records.items] == [True, True, False]


def test_jira_recovers_after_three_503_within_the_attempts(
    clock: VirtualClock, records: Records
) -> None:
    policy_attempts = 4
    engine = PolicyEngine(
        HttpPolicy(max_attempts=policy_attempts), service="jira", clock=clock, observer=records
    )
    script: list[Reply] = [Reply(503)] * 3 + [Reply(200, body=json.dumps(ISSUE).encode())]
    with serve(script, now=clock.monotonic) as server:
        issue = _jira(server.url, engine).issue("PAY-1")
    assert issue.key == "PAY-1"
    assert server.count() == policy_attempts
    assert server.received[0].headers["Authorization"].startswith("Basic ")
    assert server.received[0].path.startswith("/rest/api/3/issue/PAY-1")


def test_jira_keeps_its_own_error_for_a_definitive_404(
    clock: VirtualClock, records: Records
) -> None:
    body = json.dumps({"errorMessages": ["Issue does not exist"], "errors": {}}).encode()
    with serve(otherwise=Reply(404, body=body), now=clock.monotonic) as server:
        client = _jira(server.url, _engine(clock, records, "jira"))
        with pytest.raises(jira.JIRAError) as caught:
            client.issue("PAY-404")
    assert caught.value.status_code == 404
    assert "Issue does not exist" in str(caught.value.text)
    assert server.count() == 1


def test_jira_create_on_502_is_ambiguous_and_not_retried(
    clock: VirtualClock, records: Records
) -> None:
    with serve(otherwise=Reply(502), now=clock.monotonic) as server:
        client = _jira(server.url, _engine(clock, records, "jira"))
        with pytest.raises(AmbiguousWriteError):
            client.create_issue(
                fields={"project": {"key": "PAY"}, "issuetype": {"id": "10001"}, "summary": "x"}
            )
    assert server.count("POST") == 1


# --- PyGithub -------------------------------------------------------------------------------


@pytest.fixture
def github_server(clock: VirtualClock) -> Iterator[Loopback]:
    with serve(otherwise=Reply(503), now=clock.monotonic) as server:
        yield server


def _github(url: str, engine: PolicyEngine, *, lazy: bool = False) -> github.Github:
    client = github.Github(
        base_url=f"{url}/api/v3",
        auth=github.Auth.Token(TOKEN),
        lazy=lazy,
        **github_client_options(POLICY),
    )
    configure_github(client, engine)
    return client


def test_pygithub_sends_exactly_max_attempts(
    clock: VirtualClock, records: Records, github_server: Loopback
) -> None:
    client = _github(github_server.url, _engine(clock, records, "github"))
    with pytest.raises(TransientError):
        client.get_repo("octo/repo")
    assert github_server.count() == POLICY.max_attempts
    assert github_server.received[0].headers["Authorization"] == f"token {TOKEN}"
    assert github_server.received[0].headers["User-Agent"] == POLICY.user_agent


@pytest.mark.parametrize("derive", ["withAuth", "withLazy"])
def test_pygithub_derived_requesters_stay_behind_the_policy(
    clock: VirtualClock, records: Records, derive: str
) -> None:
    with serve(otherwise=Reply(502), now=clock.monotonic) as server:
        client = _github(server.url, _engine(clock, records, "github"))
        requester = client.requester
        derived = requester.withAuth(None) if derive == "withAuth" else requester.withLazy(True)
        assert derived is not requester
        with pytest.raises(AmbiguousWriteError):
            derived.requestJsonAndCheck("POST", "/repos/octo/repo/issues", input={"title": "x"})
    assert server.count("POST") == 1
    assert len(records.items) == 1


def test_pygithub_create_issue_on_502_is_ambiguous_and_not_retried(
    clock: VirtualClock, records: Records
) -> None:
    with serve(otherwise=Reply(502), now=clock.monotonic) as server:
        client = _github(server.url, _engine(clock, records, "github"), lazy=True)
        repo = client.get_repo("octo/repo")  # lazy: no request
        with pytest.raises(AmbiguousWriteError):
            repo.create_issue(title="Rotate the keys")
    assert server.count("POST") == 1
    assert server.received[0].path == "/api/v3/repos/octo/repo/issues"


def test_pygithub_keeps_its_own_error_for_a_definitive_404(
    clock: VirtualClock, records: Records
) -> None:
    body = json.dumps({"message": "Not Found"}).encode()
    with serve(otherwise=Reply(404, body=body), now=clock.monotonic) as server:
        client = _github(server.url, _engine(clock, records, "github"))
        with pytest.raises(github.UnknownObjectException):
            client.get_repo("octo/missing")
    assert server.count() == 1


def test_pygithub_with_its_own_retries_or_pacing_is_refused(clock: VirtualClock) -> None:
    engine = _engine(clock, Records(), "github")
    with pytest.raises(ValueError, match="seconds_between_requests"):
        configure_github(github.Github(auth=github.Auth.Token(TOKEN)), engine)
