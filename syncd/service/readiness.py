"""What ``/readyz`` answers: is the configuration loaded, the store reachable, every team fresh?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True, slots=True)
class TeamFreshness:
    last_success: datetime | None  # the end of the team's last successful sync here
    watched_since: datetime  # since when this replica works the team (start, lease, reload)


@dataclass(frozen=True, slots=True)
class Readiness:
    problems: Mapping[str, str] = field(default_factory=dict)  # what -> why, for the JSON body

    @property
    def ready(self) -> bool:
        return not self.problems


def judge_readiness(
    *,
    config_error: str | None,
    store_error: str | None,
    teams: Mapping[str, TeamFreshness],
    interval: timedelta,
    now: datetime,
) -> Readiness:
    """Ready when nothing is wrong. A team that has not synced successfully for three
    intervals is not; one never synced yet counts as fresh for three intervals."""
    problems: dict[str, str] = {}
    if config_error is not None:
        problems["config"] = config_error
    if store_error is not None:
        problems["store"] = store_error
    limit = interval * STALE_AFTER_INTERVALS
    for team, fresh in sorted(teams.items()):
        reference = fresh.last_success or fresh.watched_since
        if now - reference > limit:
            when = fresh.last_success.isoformat() if fresh.last_success else "never"
            problems[f"team:{team}"] = (
                f"no successful sync for more than {STALE_AFTER_INTERVALS} intervals (last: {when})"
            )
    return Readiness(problems)
