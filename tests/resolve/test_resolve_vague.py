from __future__ import annotations

import pytest

from syncd.resolve.vague import vagueness

VAGUE = [
    # generic improvement with nothing concrete
    ("Improve monitoring", "no measurable outcome: 'improve monitoring'"),
    ("Better alerting", "no measurable outcome: 'better alerting'"),
    ("More testing", "no measurable outcome: 'more testing'"),
    ("Be more careful", "no measurable outcome: 'be more careful'"),
    ("Increase awareness", "no measurable outcome: 'increase awareness'"),
    (
        "Enhance observability across services",
        "no measurable outcome: 'enhance observability across services'",
    ),
    (
        "Improve communication during incidents",
        "no measurable outcome: 'improve communication during incidents'",
    ),
    (
        "Improve monitoring for the checkout flow",
        "no measurable outcome: 'improve monitoring for the checkout flow'",
    ),
    (
        "Ensure this doesn't happen again",
        "no measurable outcome: 'ensure this doesn't happen again'",
    ),
    (
        "Prevent this from happening again",
        "no measurable outcome: 'prevent this from happening again'",
    ),
    ("Make sure alerts are actionable", "no measurable outcome: 'make sure alerts are actionable'"),
    ("Reduce toil", "no measurable outcome: 'reduce toil'"),
    ("Fix alerting", "no measurable outcome: 'fix alerting'"),
    ("Avoid this in the future", "no measurable outcome: 'avoid this in the future'"),
    ("Harden the system", "no measurable outcome: 'harden the system'"),
    ("Improve CI/CD", "no measurable outcome: 'improve ci/cd'"),
    ("IMPROVE MONITORING", "no measurable outcome: 'improve monitoring'"),
    ("Improve Monitoring And Alerting", "no measurable outcome: 'improve monitoring and alerting'"),
    # a deliverable verb with only "more" of an area
    ("Add more monitoring", "no measurable outcome: 'add more monitoring'"),
    ("Write more tests", "no measurable outcome: 'write more tests'"),
    # very short, generic verb + generic noun
    ("Update documentation", "no measurable outcome: 'update documentation'"),
    ("Monitoring improvements", "no measurable outcome: 'monitoring improvements'"),
    ("Better on-call handoff", "no measurable outcome: 'better on-call handoff'"),
    # questions
    ("Should we add a circuit breaker?", "is a question"),
    ("Do we need a second region", "is a question"),
    ("Why did the pager not fire", "is a question"),
    ("Rate limit the login endpoint?", "is a question"),
    # hedges
    ("Look into the connection pool exhaustion", "starts with 'look into'"),
    ("Investigate whether the cache is needed", "starts with 'investigate whether'"),
    ("Consider moving to a managed database", "starts with 'consider'"),
    ("Explore options for multi-region failover", "starts with 'explore'"),
    ("Think about rate limiting", "starts with 'think about'"),
    ("Evaluate whether we need a queue", "starts with 'evaluate whether'"),
    ("Revisit the on-call rotation", "starts with 'revisit'"),
    ("Discuss deployment process with the team", "starts with 'discuss'"),
    ("We should have caught this earlier", "starts with 'we should'"),
    ("Try to reduce deploy frequency", "starts with 'try to'"),
    ("Maybe add more dashboards", "starts with 'maybe'"),
    ("Figure out why the pager didn't fire", "starts with 'figure out'"),
    (
        "Consider adding a 100 rps limit to /login",
        "starts with 'consider'",
    ),  # hedged, even if exact
    ("**Look into** flaky deploys", "starts with 'look into'"),
]

SPECIFIC = [
    "Add an alert on checkout 5xx > 1% for 5 min",
    "Improve p99 latency of /checkout to < 300 ms",
    "Increase the Redis maxmemory to 8 GB",
    "Improve `checkout_latency_seconds` histogram buckets",
    "Rotate the leaked Stripe API key",
    "Migrate payments-db to PostgreSQL 16",
    "Enable connection pooling in PgBouncer for the orders service",
    "Document the failover procedure in the payments runbook",
    "Set max_connections to 500 on the primary",
    "Roll back the ingress-nginx upgrade",
    "Write a runbook for rotating TLS certificates",
    "Disable automatic retries in the checkout client",
    "Backfill missing ledger entries for 2026-03-01",
    "Cap the batch size of the export job at 10k rows",
    "Page the on-call when the queue depth exceeds 10000",
    "Upgrade the Kafka client library",
    "Block deploys on Fridays via the CI pipeline",
    "Replace the cron-based cleanup with a Kubernetes CronJob",
    "Configure PagerDuty escalation for the search team",
    "Investigate root cause of the DNS timeouts",
    "Create a dashboard for the order-service error rate",
    "Limit concurrent schema migrations to one per cluster",
    "Add a circuit breaker to prevent this happening again",
    "Alert when the payments.yaml config fails validation",
    "Add monitoring",
    "Fix the race in the lease renewal",
    "Remove the deprecated v1 endpoint",
    "Automate certificate renewal with cert-manager",
    "Define an SLO for checkout availability",
    "Move the nightly batch out of peak hours",
    "When the queue is full, shed load at the edge",
    "Reduce Sentinel quorum to the sentinels in healthy zones",
]


@pytest.mark.parametrize(("title", "reason"), VAGUE)
def test_vague_titles_say_why(title: str, reason: str) -> None:
    assert vagueness(title) == reason


@pytest.mark.parametrize("title", SPECIFIC)
def test_specific_titles_are_not_flagged(title: str) -> None:
    assert vagueness(title) is None


def test_the_tables_hold_enough_realistic_titles() -> None:
    assert len(VAGUE) >= 15
    assert len(SPECIFIC) >= 15


@pytest.mark.parametrize("title", ["", "   ", "**  **"])
def test_an_empty_title_is_vague(title: str) -> None:
    assert vagueness(title) == "is empty"


def test_a_long_title_is_shortened_in_the_reason() -> None:
    title = "Improve the general reliability and resilience of all of our systems across every team"
    reason = vagueness(title)
    assert reason is not None
    assert reason.startswith("no measurable outcome: 'improve the general reliability")
    assert reason.endswith("\u2026'")
    assert len(reason) < 100
