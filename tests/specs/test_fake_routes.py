"""The trimmed Jira and GitHub descriptions keep exactly what the fakes serve, and a request to a
path they left out fails the contract checks loudly, naming the fix.

syncd only reaches Jira and GitHub through the fakes in tests: a path it starts to send must be
served by a fake (else a 404), which makes the route check below fail until the path is added to
`manifest.toml` and the file regenerated; the contract checks on the fakes' request logs (e2e,
connector tests) report it as trimmed away, never as valid.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import requests

from tests.fakes.github import contract as github_contract
from tests.fakes.github import server as github_server
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira import contract as jira_contract
from tests.fakes.jira import server as jira_server
from tests.fakes.jira.server import FakeJira
from tests.specs.manifest import entry

_FAKES = {
    # name: (the fake's route table, the prefix its templates sit under in the spec)
    "jira": (jira_server.ROUTES, "/rest/api/3"),
    "github": (github_server.ROUTES, ""),
}
_LOADERS = {"jira": jira_contract.load_spec, "github": github_contract.load_spec}
_CONTRACTS = (jira_contract, github_contract)


def _forget_loaded_specs(module: ModuleType) -> None:
    for value in vars(module).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@pytest.fixture(autouse=True)
def trimmed_specs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """These tests are about the trimmed files: use them even when $SYNCD_JIRA_SPEC or
    $SYNCD_GITHUB_SPEC names a full upstream file for the rest of the run."""
    overridden = [c for c in _CONTRACTS if os.environ.get(c.SPEC_ENV)]
    for contract in _CONTRACTS:
        monkeypatch.delenv(contract.SPEC_ENV, raising=False)
    for contract in overridden:
        _forget_loaded_specs(contract)
    yield
    for contract in overridden:
        _forget_loaded_specs(contract)  # reloaded lazily, from the variable restored after us


def _shape(template: str) -> str:
    """A template with its parameter names blanked: `/issue/{key}` and `/issue/{id}` agree."""
    return re.sub(r"\{[^}]+\}", "{}", template)


@pytest.mark.parametrize("name", sorted(_FAKES))
def test_the_trimmed_spec_keeps_exactly_the_paths_the_fake_serves(name: str) -> None:
    routes, prefix = _FAKES[name]
    served = {_shape(prefix + template) for _, _, template, _ in routes}
    kept = {_shape(p) for p in entry(name).paths}
    assert not served - kept, (
        f"the fake serves {sorted(served - kept)}, which tests/specs/{entry(name).file} lacks: "
        "add them to manifest.toml and regenerate the file (tests/specs/README.md)"
    )
    assert not kept - served, f"{sorted(kept - served)} kept, but no fake serves them"


@pytest.mark.parametrize("name", sorted(_FAKES))
def test_every_method_the_fake_serves_is_in_the_spec_the_contract_checks_read(name: str) -> None:
    routes, prefix = _FAKES[name]
    spec = _LOADERS[name]()
    by_shape = {_shape(p): item for p, item in spec["paths"].items()}
    missing = [
        f"{method} {template}"
        for method, _, template, _ in routes
        if method.lower() not in by_shape.get(_shape(prefix + template), {})
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        # literal paths that, left out, would otherwise match a kept `{parameter}` template
        ("GET", "/rest/api/3/issue/createmeta", "/rest/api/3/issue/createmeta"),
        ("GET", "/rest/api/2/issue/picker", "/rest/api/3/issue/picker"),
        ("GET", "/rest/api/3/worklog/updated", "/rest/api/3/worklog/updated"),
    ],
)
def test_jira_paths_trimmed_away_are_named_as_such(method: str, path: str, template: str) -> None:
    problems = jira_contract.validate_request(method, path)
    assert len(problems) == 1 and "was trimmed out of jira-cloud-platform-v3.json" in problems[0]
    assert template in problems[0] and "manifest.toml" in problems[0]


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/repos/acme/payments/issues/comments", "/repos/{owner}/{repo}/issues/comments"),
        ("/api/v3/repos/acme/payments/pulls/7", "/repos/{owner}/{repo}/pulls/{pull_number}"),
        ("/search/issues", "/search/issues"),
    ],
)
def test_github_paths_trimmed_away_are_named_as_such(path: str, template: str) -> None:
    problems = github_contract.validate_request("GET", path)
    assert len(problems) == 1 and "was trimmed out of github-rest-api.json" in problems[0]
    assert template in problems[0]


def test_a_path_in_no_upstream_description_is_still_no_such_path() -> None:
    assert "no such path" in jira_contract.validate_request("GET", "/rest/api/3/nothing/here")[0]
    assert "no such path" in github_contract.validate_request("GET", "/nowhere/at/all")[0]


def test_a_request_log_with_a_trimmed_path_fails_validation(fake_github: FakeGitHub) -> None:
    """What an e2e test sees if syncd starts calling an endpoint nobody added to the spec."""
    headers = {"Authorization": f"token {fake_github.token}"}
    requests.get(f"{fake_github.url}/repos/acme/payments", headers=headers, timeout=5)
    requests.get(f"{fake_github.url}/repos/acme/payments/pulls/7", headers=headers, timeout=5)
    problems = github_contract.validate_requests(fake_github.requests)
    assert len(problems) == 1 and "/pulls/{pull_number} was trimmed out" in problems[0]


def test_a_jira_request_log_with_a_trimmed_path_fails_validation(fake_jira: FakeJira) -> None:
    session = requests.Session()
    session.auth = (fake_jira.email, fake_jira.token)
    session.get(f"{fake_jira.url}/rest/api/3/myself", timeout=5)
    session.get(f"{fake_jira.url}/rest/api/3/issue/createmeta", timeout=5)
    problems = jira_contract.validate_requests(fake_jira.requests)
    assert len(problems) == 1 and "/issue/createmeta was trimmed out" in problems[0]


@pytest.mark.parametrize(
    ("contract", "variable"),
    [(jira_contract, "SYNCD_JIRA_SPEC"), (github_contract, "SYNCD_GITHUB_SPEC")],
)
def test_a_missing_spec_file_is_an_error_naming_it_never_a_skip(
    contract: Any, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, "no-such-spec.json")
    contract.load_spec.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match=r"no-such-spec\.json"):
            contract.load_spec()
    finally:
        contract.load_spec.cache_clear()  # the next caller loads the file the variable names


def test_the_contract_checks_read_the_files_in_the_repository() -> None:
    assert jira_contract.spec_path() == entry("jira").path
    assert github_contract.spec_path() == entry("github").path
    assert entry("jira").path.is_file() and entry("github").path.is_file()
