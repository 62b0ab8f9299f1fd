from __future__ import annotations

import pytest

from syncd.model import TrackerRef
from syncd.resolve.refs import parse_tracker_ref


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # Jira keys
        ("PAY-123", TrackerRef("jira", "PAY-123")),
        ("  PAY-123  ", TrackerRef("jira", "PAY-123")),
        ("**PAY-123**", TrackerRef("jira", "PAY-123")),
        ("`OPS2-7`", TrackerRef("jira", "OPS2-7")),
        ("CORE_INFRA-45", TrackerRef("jira", "CORE_INFRA-45")),
        ("Jira: PAY-123", TrackerRef("jira", "PAY-123")),
        ("Bug PAY-123 **TODO**", TrackerRef("jira", "PAY-123")),
        # Jira URLs: Cloud, Data Center, boards; the URL is kept as written
        (
            "https://acme.atlassian.net/browse/PAY-123",
            TrackerRef("jira", "PAY-123", "https://acme.atlassian.net/browse/PAY-123"),
        ),
        (
            "https://jira.acme.internal/jira/browse/PAY-7",
            TrackerRef("jira", "PAY-7", "https://jira.acme.internal/jira/browse/PAY-7"),
        ),
        (
            "https://acme.atlassian.net/browse/pay-123",
            TrackerRef("jira", "PAY-123", "https://acme.atlassian.net/browse/pay-123"),
        ),
        (
            "https://acme.atlassian.net/jira/software/projects/PAY/boards/1?selectedIssue=PAY-9",
            TrackerRef(
                "jira",
                "PAY-9",
                "https://acme.atlassian.net/jira/software/projects/PAY/boards/1?selectedIssue=PAY-9",
            ),
        ),
        (
            "https://acme.atlassian.net/jira/software/c/projects/PAY/issues/PAY-12",
            TrackerRef(
                "jira",
                "PAY-12",
                "https://acme.atlassian.net/jira/software/c/projects/PAY/issues/PAY-12",
            ),
        ),
        (
            "[PAY-123](https://acme.atlassian.net/browse/PAY-123)",
            TrackerRef("jira", "PAY-123", "https://acme.atlassian.net/browse/PAY-123"),
        ),
        (
            "<https://acme.atlassian.net/browse/PAY-123>",
            TrackerRef("jira", "PAY-123", "https://acme.atlassian.net/browse/PAY-123"),
        ),
        (
            "see https://acme.atlassian.net/browse/PAY-123.",
            TrackerRef("jira", "PAY-123", "https://acme.atlassian.net/browse/PAY-123"),
        ),
        # GitHub
        (
            "https://github.com/acme/payments/issues/45",
            TrackerRef("github", "acme/payments#45", "https://github.com/acme/payments/issues/45"),
        ),
        (
            "https://github.com/acme/payments/pull/46",
            TrackerRef("github", "acme/payments#46", "https://github.com/acme/payments/pull/46"),
        ),
        (
            "https://github.com/acme/pay.api/issues/45#issuecomment-1",
            TrackerRef(
                "github",
                "acme/pay.api#45",
                "https://github.com/acme/pay.api/issues/45#issuecomment-1",
            ),
        ),
        (
            "https://ghe.acme.internal/platform/edge/issues/3",
            TrackerRef(
                "github", "platform/edge#3", "https://ghe.acme.internal/platform/edge/issues/3"
            ),
        ),
        (
            "[#45](https://github.com/acme/payments/issues/45)",
            TrackerRef("github", "acme/payments#45", "https://github.com/acme/payments/issues/45"),
        ),
        ("acme/payments#45", TrackerRef("github", "acme/payments#45")),
        ("#45", TrackerRef("github", "#45")),
        ("(#45)", TrackerRef("github", "#45")),
        ("tracked in acme/payments#45", TrackerRef("github", "acme/payments#45")),
        ("issue #45", TrackerRef("github", "#45")),
    ],
)
def test_references_syncd_can_adopt(written: str, expected: TrackerRef) -> None:
    assert parse_tracker_ref(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "5554823",  # a bare bug number: which tracker?
        "b/5554823",
        "#0",
        "SEV-1",  # incident severity
        "CVE-2024",
        "UTF-8",
        "pay-123",  # Jira keys are written in capitals; this is more likely a host name
        "PAY-0",
        "A-1",  # a one-letter project key does not exist
        "INC0012345",
        "https://gitlab.com/acme/payments/-/issues/45",
        "https://acme.atlassian.net/wiki/spaces/PAY/pages/123/Postmortem",
        "https://grafana.acme.internal/d/abc/checkout?orgId=1",
        "https://github.com/acme/payments",
        "https://github.com/acme/payments/issues",
        "TBD",
        "n/a",
        "C#",
    ],
)
def test_what_names_no_adoptable_issue_is_none(written: str) -> None:
    assert parse_tracker_ref(written) is None


def test_a_link_target_wins_over_its_text() -> None:
    ref = parse_tracker_ref("[the ticket](https://acme.atlassian.net/browse/PAY-5)")
    assert ref == TrackerRef("jira", "PAY-5", "https://acme.atlassian.net/browse/PAY-5")


TEAM_PROJECTS = frozenset({"PAY", "SEC"})


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("PAY-123", TrackerRef("jira", "PAY-123")),
        ("SEC-7", TrackerRef("jira", "SEC-7")),  # a project the team lists
        ("see KIP-405 for tiered storage", None),  # a Kafka proposal, not an issue
        ("KIP-405", None),
        ("ISO-27001", None),
        ("JIRA-1", None),
        ("KIP-405 and PAY-9", TrackerRef("jira", "PAY-9")),  # the team's key is still found
        # a URL names its issue explicitly, whatever the project
        (
            "https://acme.atlassian.net/browse/OPS-3",
            TrackerRef("jira", "OPS-3", "https://acme.atlassian.net/browse/OPS-3"),
        ),
        # GitHub references are not Jira keys: unchanged
        ("#45", TrackerRef("github", "#45")),
        ("acme/payments#45", TrackerRef("github", "acme/payments#45")),
    ],
)
def test_a_jira_key_is_a_reference_only_in_the_teams_projects(
    written: str, expected: TrackerRef | None
) -> None:
    assert parse_tracker_ref(written, TEAM_PROJECTS) == expected


def test_without_projects_no_bare_jira_key_is_a_reference() -> None:
    # A GitHub team: "PAY-123" names nothing syncd could adopt there.
    assert parse_tracker_ref("PAY-123", frozenset()) is None
    assert parse_tracker_ref("#45", frozenset()) == TrackerRef("github", "#45")
