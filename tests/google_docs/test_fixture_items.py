"""What is read from each fixture: Google's markdown export in the styles people write."""

from __future__ import annotations

import pytest

from connectors.google_docs.worker import extract_export
from syncd.connector.model import ExtractedDocument
from tests.google_docs.support import fixture_texts

# Document name -> its items as (title, owner, due, done).
EXPECTED: dict[str, list[tuple[str, str | None, str | None, bool]]] = {
    "2026-11-20 Checkout outage postmortem": [
        ("Move the payments-gateway certificate to cert-manager", "alice@acme.com", None, False),
        ("Alert on certificates expiring within 21 days", "bob@acme.com", None, False),
        ("Point the expiry alerts at the current on-call rotation", "Carol Diaz", None, False),
        ("Audit every certificate issued by hand in 2025", "alice@acme.com", None, False),
    ],
    "Search latency incident (Atlassian template)": [
        ("Throttle reindex I/O to 40% of disk bandwidth", "dana@acme.com", "Nov 15, 2026", False),
        (
            "Require a review for schedule changes of batch jobs",
            "erin@acme.com",
            "Dec 1, 2026",
            False,
        ),
        ("Add a dashboard panel for disk queue depth", "Frank Ito", "Q1 2027", False),
    ],
    "2026-09-14 DNS resolution failures": [
        ("Restore the removed resolver to the pool", "@grace", None, True),
        (
            "Drain resolvers before removing them: add a pre-stop hook",
            "henry@acme.com",
            "Oct 30, 2026",
            False,
        ),
        ("Alert when SERVFAIL exceeds 1% for 5 minutes", "@henry", "2026-10-15", False),
        ("Document the resolver maintenance procedure in the runbook", "Grace Park", None, False),
    ],
    "Billing batch job ran twice - review": [
        (
            "Make the billing job idempotent per customer and day",
            "ivan@acme.com",
            "Sep 30, 2026",
            False,
        ),
        (
            "Fence the scheduler's lease with a monotonic token",
            "judy@acme.com",
            "Oct 15, 2026",
            False,
        ),
        ("Refund the 312 double charges", "ivan@acme.com", "Aug 2, 2026", True),
        ("Add a reconciliation check of charges per customer per day", "Judy Chen", "TBD", False),
    ],
    "Login page outage": [
        ("Manage the CDN configuration in Terraform", "kim@acme.com", "Sep 1, 2026", False),
        (
            "Synthetic check of the login page from three regions, paging on two failures.",
            "leo@acme.com",
            "Aug 15, 2026",
            False,
        ),
        ("Runbook for CDN rollbacks", "Kim Nguyen", None, False),
    ],
    "Quarterly incident review - Q3 2026": [],
    "Cache stampede on product pages - narrative": [],
    "2026-05-18 Queue backlog - remediation": [
        (
            "Validate max_poll_records and fetch_min_bytes in the deploy pipeline",
            "nora@acme.com",
            "Jun 30, 2026",
            False,
        ),
        ("Alert on consumer lag over 10 minutes", "Oscar Diaz", "in 2 weeks", False),
        ("Add order_events to the capacity review", "nora@acme.com", "Q3 2026", False),
    ],
    "Storage cluster disk full": [
        ("Free space by deleting expired multipart uploads", "paul@acme.com", "Apr 9, 2026", True),
        ("Raise the disk alert threshold from 95% to 80%", "quinn@acme.com", "Apr 20, 2026", True),
        (
            "Alert when compaction makes no progress for 30 minutes",
            "quinn@acme.com",
            "May 15, 2026",
            False,
        ),
        (
            "Capacity plan for the storage cluster through 2027",
            "paul@acme.com",
            "Jun 30, 2026",
            False,
        ),
    ],
    "Mobile push notifications delayed": [
        ("Send campaigns in batches of 50,000 per minute", "rita@acme.com", "Apr 1, 2026", False),
        (
            "Ask the provider for a higher rate limit for transactional pushes",
            "sam@acme.com",
            None,
            False,
        ),
        ("Separate transactional and marketing queues", "rita@acme.com", "Mar 10, 2026", True),
    ],
    "Incident 2026-02-11 - Expired API keys": [
        ("Email partners 30 days before their key expires", "tom@acme.com", "2026-03-31", False),
        ("Let partners rotate keys themselves in the portal", "uma@acme.com", "Q2 2026", False),
        ("Track partner key expiry on the on-call dashboard", "Tom Weber", None, False),
    ],
}


def test_every_fixture_has_its_expectation() -> None:
    assert sorted(EXPECTED) == sorted(fixture_texts())
    assert len(EXPECTED) >= 10


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_items_of_each_fixture(name: str) -> None:
    result = extract_export((fixture_texts()[name], name, "drive"))
    assert isinstance(result, ExtractedDocument)
    assert not result.problems
    found = [(i.title, i.owner_text, i.due_text, i.done) for i in result.items]
    assert found == EXPECTED[name]


def test_tracker_references_survive_the_escapes() -> None:
    name = "2026-11-20 Checkout outage postmortem"
    result = extract_export((fixture_texts()[name], name, "drive"))
    assert isinstance(result, ExtractedDocument)
    assert [i.tracker_refs for i in result.items] == [
        ("PAY-1412",),
        ("PAY-1413",),
        ("PAY-1414",),
        (),
    ]
