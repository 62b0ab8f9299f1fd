"""One Jira-key recognition for its three readers: the markdown source, the resolver, metrics.

The markdown source's deny list was the widest and is the one kept. The resolver's old list
(SEV CVE UTF ISO RFC TLS SSL HTTP IPV) is inside it, so what it refused is still refused; what
changed there is noted case by case below. Request paths are templated whatever the project.
"""

from __future__ import annotations

import pytest

from connectors.markdown.refs import find_refs, ordered_refs
from syncd.connector.jira_keys import is_jira_project_key
from syncd.http import endpoint_of
from syncd.model import TrackerRef
from syncd.resolve.refs import parse_tracker_ref

# The resolver's old deny list: still refused, by the resolver and by the markdown source.
OLD_RESOLVER_DENIED = ("SEV", "CVE", "UTF", "ISO", "RFC", "TLS", "SSL", "HTTP", "IPV")


@pytest.mark.parametrize("project", ["PAY", "OPS2", "CORE_INFRA", "SRCH", "KIP", "JIRA"])
def test_project_keys(project: str) -> None:
    assert is_jira_project_key(project)


@pytest.mark.parametrize(
    "project", [*OLD_RESOLVER_DENIED, "COVID", "SHA", "INC", "API", "PY", "P0", "P1", "A1", "B22"]
)
def test_words_that_name_something_else(project: str) -> None:
    assert not is_jira_project_key(project)


@pytest.mark.parametrize("project", OLD_RESOLVER_DENIED)
def test_the_old_resolver_list_is_refused_by_both_readers(project: str) -> None:
    assert parse_tracker_ref(f"{project}-8") is None
    assert ordered_refs([find_refs(f"see {project}-8")]) == ()


@pytest.mark.parametrize("written", ["INC-123", "API-12", "PY-3", "P1-2", "A1-5", "see SHA-256"])
def test_changed_the_resolver_now_refuses_what_the_source_refused(written: str) -> None:
    # Were references to the resolver, never to the markdown source that feeds it: one rule now.
    assert ordered_refs([find_refs(written)]) == ()
    assert parse_tracker_ref(written) is None


def test_a_project_the_team_lists_is_its_own_whatever_it_looks_like() -> None:
    assert parse_tracker_ref("INC-123", frozenset({"INC"})) == TrackerRef("jira", "INC-123")


@pytest.mark.parametrize("project", ["SEV", "INC", "API"])
def test_changed_a_jira_url_names_its_issue_whatever_the_project(project: str) -> None:
    # Was refused by the resolver for its nine words (the markdown source kept the URL as a
    # reference): a "/browse/" URL names an issue explicitly, as the docstring always said.
    url = f"https://acme.atlassian.net/browse/{project}-5"
    assert ordered_refs([find_refs(f"see {url}")]) == (url,)
    assert parse_tracker_ref(url) == TrackerRef("jira", f"{project}-5", url)


@pytest.mark.parametrize("key", ["PAY-123", "SEV-1", "INC-5", "CORE_INFRA-45"])
def test_request_paths_group_every_issue(key: str) -> None:
    assert endpoint_of(f"https://acme.example/rest/api/3/issue/{key}") == (
        "/rest/api/3/issue/{key}"
    )
