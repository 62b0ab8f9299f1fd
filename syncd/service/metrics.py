"""The service's Prometheus metrics, in a registry of their own (tests stay isolated)."""

from __future__ import annotations

import contextlib
from collections import Counter as Tally
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from syncd.http.observe import RequestRecord
from syncd.judge.figures import TeamFigures
from syncd.judge.items import ItemJudgement
from syncd.model import Flag
from syncd.output.redaction import redactor

# A cycle takes seconds for a small team and minutes for a large one behind a slow tracker.
SYNC_DURATION_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200)
ITEM_STATUSES = ("open", "done")
# An event's sync starts after the debounce (2 s), later when the team's previous sync runs.
WEBHOOK_LATENCY_BUCKETS = (0.5, 1, 2, 3, 5, 10, 30, 60, 300, 900)


class ServiceMetrics:
    """Every metric ``syncd run`` exports.

    ``observe_request`` is a ``syncd.http.RequestObserver``, given to each team's tracker.
    """

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        # /metrics lists the metrics in the order they are made here.
        self._add_item_metrics(self.registry)
        self._add_sync_metrics(self.registry)
        self._add_api_metrics(self.registry)
        self._add_replica_metrics(self.registry)
        self._add_webhook_metrics(self.registry)

    def _add_item_metrics(self, r: CollectorRegistry) -> None:
        self.items = Gauge(
            "syncd_items", "Items syncd tracks, by team and status.", ["team", "status"], registry=r
        )
        self.flagged_items = Gauge(
            "syncd_items_flagged",
            "Items by team and judgement flag (overdue, stale, unowned, ...); an item may "
            "carry several flags.",
            ["team", "flag"],
            registry=r,
        )

        self.completion = Gauge(
            "syncd_completion_ratio",
            "Done items / items (orphaned ones not counted), by team; NaN with no items.",
            ["team"],
            registry=r,
        )
        self.on_time = Gauge(
            "syncd_on_time_ratio",
            "Items done by their due date / done items with a due date, by team.",
            ["team"],
            registry=r,
        )
        self.days_to_close = Gauge(
            "syncd_days_to_close_median",
            "Median days from a postmortem to its items being done, by team.",
            ["team"],
            registry=r,
        )
        self.overdue_by_age = Gauge(
            "syncd_items_overdue_by_age",
            "Open items past their due date, by team and how long (1-7d, 8-30d, 31-90d, over_90d).",
            ["team", "age"],
            registry=r,
        )

    def record_figures(self, team: str, figures: TeamFigures) -> None:
        nan = float("nan")
        rate = figures.completion_rate
        self.completion.labels(team).set(nan if rate is None else rate)
        rate = figures.on_time_rate
        self.on_time.labels(team).set(nan if rate is None else rate)
        days = figures.median_days_to_close
        self.days_to_close.labels(team).set(nan if days is None else days)
        for age, count in figures.overdue_by_age:
            self.overdue_by_age.labels(team, age).set(count)

    def _add_sync_metrics(self, r: CollectorRegistry) -> None:
        self.sync_duration = Histogram(
            "syncd_sync_duration_seconds",
            "Wall time of one team's sync cycle.",
            ["team"],
            buckets=SYNC_DURATION_BUCKETS,
            registry=r,
        )
        self.sync_failures = Counter(
            "syncd_sync_failures",
            "Team sync cycles that failed: the team errored, its tracker could not be used "
            "(down, refusing the credentials, token unset) or a whole source could not be read.",
            ["team"],
            registry=r,
        )
        self.consecutive_failures = Gauge(
            "syncd_sync_consecutive_failures",
            "Failed sync cycles of the team in a row on the replica that works it; 0 after a "
            "success. Exported while this replica holds the team's lease.",
            ["team"],
            registry=r,
        )
        self.last_success = Gauge(
            "syncd_last_successful_sync_timestamp_seconds",
            "Unix time at which the team's last successful sync cycle finished on this replica.",
            ["team"],
            registry=r,
        )

    def _add_api_metrics(self, r: CollectorRegistry) -> None:
        self.api_requests = Counter(
            "syncd_api_requests",
            "Requests sent to trackers, by tracker and HTTP status (or failure kind).",
            ["tracker", "status"],
            registry=r,
        )
        self.api_errors = Counter(
            "syncd_api_errors",
            "Tracker requests answered with an error status or not answered at all.",
            ["tracker", "status"],
            registry=r,
        )
        self.api_retries = Counter(
            "syncd_api_retries",
            "Tracker requests that the HTTP policy sends again.",
            ["tracker", "status"],
            registry=r,
        )

    def _add_replica_metrics(self, r: CollectorRegistry) -> None:
        self.digests_posted = Counter(
            "syncd_digests_posted",
            "Digests posted, by team and channel type.",
            ["team", "channel_type"],
            registry=r,
        )
        self.digest_failures = Counter(
            "syncd_digest_failures",
            "Digest posts that failed, by team and channel type (unknown: the digest job "
            "itself failed); a failed post is retried by the next run.",
            ["team", "channel_type"],
            registry=r,
        )
        self.sync_interval = Gauge(
            "syncd_sync_interval_seconds",
            "The service's sync_interval: how often each team is synced (alerts count in it).",
            registry=r,
        )
        self.nudges = Counter(
            "syncd_nudges",
            "Nudges (comments on issues), by team, reason and outcome (sent, failed, unknown).",
            ["team", "reason", "outcome"],
            registry=r,
        )
        self.write_backs = Counter(
            "syncd_write_backs",
            "Tracker keys written back into postmortems, by team and outcome (written, "
            "pending, present, retry, failed).",
            ["team", "outcome"],
            registry=r,
        )
        self.config_reloads = Counter(
            "syncd_config_reloads",
            "Configuration reloads (SIGHUP), by outcome.",
            ["outcome"],
            registry=r,
        )
        self.config_reload_ok = Gauge(
            "syncd_config_last_reload_successful",
            "1 when the last configuration reload succeeded (or none was asked for), else 0: "
            "the service runs on its previous configuration.",
            registry=r,
        )
        self.config_reload_ok.set(1)
        self.teams_held = Gauge(
            "syncd_teams_held", "Teams whose lease this replica holds.", registry=r
        )
        self.removals_held = Gauge(
            "syncd_sources_removal_held",
            "Sources of the team whose mass removal the last cycle held (their missing "
            "documents' items kept until confirmed).",
            ["team"],
            registry=r,
        )

    def _add_webhook_metrics(self, r: CollectorRegistry) -> None:
        self.webhook_events = Counter(
            "syncd_webhook_events",
            "Webhook deliveries by endpoint (github, jira, generic) and outcome: accepted, "
            "coalesced (joined a team's pending sync), duplicate (a delivery id seen before), "
            "ignored (no team concerned, or caused by syncd's own writes), dropped (queue "
            "full), rejected (unsigned or wrongly signed: 401), failed (not recorded: 503).",
            ["endpoint", "outcome"],
            registry=r,
        )
        self.webhook_latency = Histogram(
            "syncd_webhook_event_to_sync_seconds",
            "From a webhook event's receipt to the start of the team's sync that covers it.",
            buckets=WEBHOOK_LATENCY_BUCKETS,
            registry=r,
        )

    def observe_request(self, record: RequestRecord) -> None:
        status = str(record.status) if record.status is not None else (record.error or "none")
        self.api_requests.labels(record.service, status).inc()
        if record.status is None or record.status >= 400:
            self.api_errors.labels(record.service, status).inc()
        if record.retried:
            self.api_retries.labels(record.service, status).inc()

    def record_judgements(self, team: str, judgements: Iterable[ItemJudgement]) -> None:
        """Set the team's item gauges; every status and flag is exported, zeros included, so
        that a series drops to 0 instead of vanishing when its last item changes."""
        statuses: Tally[str] = Tally()
        flags: Tally[str] = Tally()
        for judgement in judgements:
            statuses["done" if judgement.done else "open"] += 1
            flags.update(flag.value for flag in judgement.flags)
        for status in ITEM_STATUSES:
            self.items.labels(team, status).set(statuses[status])
        for flag in Flag:
            self.flagged_items.labels(team, flag.value).set(flags[flag.value])

    # `still_held`: False when the team's lease was lost during the cycle; its failure count
    # then belongs to the replica that works the team now, and is left alone here.

    def sync_succeeded(self, team: str, finished_at: float, *, still_held: bool = True) -> None:
        self.last_success.labels(team).set(finished_at)
        if still_held:
            self.consecutive_failures.labels(team).set(0)

    def sync_failed(self, team: str, consecutive: int, *, still_held: bool = True) -> None:
        self.sync_failures.labels(team).inc()
        if still_held:
            self.consecutive_failures.labels(team).set(consecutive)

    def team_taken(self, team: str) -> None:
        """This replica now works the team: its failure count starts at 0, so the series
        exists (and an alert on it can fire) before the first cycle ends."""
        self.consecutive_failures.labels(team).set(0)

    def team_released(self, team: str) -> None:
        """Another replica works the team now: this one's failure count and the team's state
        (items, figures) would be stale, would keep an alert firing (or silent) for a team it
        no longer syncs, and would be counted twice by every sum over replicas."""
        self._drop(team, self._state_gauges(), (self.consecutive_failures, *self._state_single()))

    def forget_team(self, team: str) -> None:
        """Drop a team's series (it left the configuration)."""
        self._drop(
            team,
            (
                *self._state_gauges(),
                self.digests_posted,
                self.digest_failures,
                self.nudges,
                self.write_backs,
            ),
            (
                *self._state_single(),
                self.sync_duration,
                self.sync_failures,
                self.consecutive_failures,
                self.last_success,
            ),
        )

    def _state_gauges(self) -> tuple[Gauge, ...]:
        """What the team's state is now, labelled by more than the team."""
        return (self.items, self.flagged_items, self.removals_held, self.overdue_by_age)

    def _state_single(self) -> tuple[Gauge, ...]:
        """What the team's state is now, labelled by the team alone."""
        return (self.completion, self.on_time, self.days_to_close)

    def _drop(
        self,
        team: str,
        labelled: tuple[Gauge | Counter, ...],
        single: tuple[Gauge | Counter | Histogram, ...],
    ) -> None:
        for metric in labelled:
            for labels in _label_sets_of(metric, team):
                metric.remove(*labels)
        for one in single:
            with contextlib.suppress(KeyError):
                one.remove(team)

    def render(self) -> bytes:
        # Labels are syncd's own words and team names, but nothing leaves the process unmasked.
        return redactor.redact_bytes(generate_latest(self.registry))


def _label_sets_of(metric: Gauge | Counter, team: str) -> list[tuple[str, ...]]:
    # prometheus_client keeps no public index of label sets; collect() reports them.
    found: set[tuple[str, ...]] = set()
    for family in metric.collect():
        for sample in family.samples:
            if sample.labels.get("team") == team and not sample.name.endswith("_created"):
                found.add((team, *(v for k, v in sample.labels.items() if k != "team")))
    return sorted(found)
