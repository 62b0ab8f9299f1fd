"""The team file, as validated models (CONTRACT §3).

Connector blocks (``sources``, ``tracker``, ``digest.channels``) are validated by their
connectors' own Settings; see ``syncd.config.blocks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date
from functools import cache
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails

from syncd.config.base import StrictModel, config_problem, matches
from syncd.config.blocks import ChannelConfig, SourceConfig, TrackerConfig
from syncd.config.errors import describe, suggest
from syncd.config.keys import allowed_keys
from syncd.config.people import people_problems
from syncd.limits import (
    DATE_RANGE_TEXT,
    MAX_DUE_SOON_DAYS,
    MAX_HOLIDAYS,
    MAX_POLICY_DAYS,
    date_in_range,
)
from syncd.model import Priority

__all__ = [
    "ChannelConfig",
    "Digest",
    "DueDays",
    "Person",
    "Policy",
    "SourceConfig",
    "TeamConfig",
    "TrackerConfig",
]

TEAM_NAME_PATTERN = r"[a-z0-9][a-z0-9_-]*"
PERSON_KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"

TeamName = Annotated[
    str,
    AfterValidator(
        matches(TEAM_NAME_PATTERN, "lowercase letters, digits, - and _ (e.g. payments)")
    ),
    Field(max_length=64, json_schema_extra={"pattern": f"^{TEAM_NAME_PATTERN}$"}),
]
PersonKey = Annotated[
    str,
    AfterValidator(matches(PERSON_KEY_PATTERN, "letters, digits, '.', - and _ (e.g. alice)")),
    Field(json_schema_extra={"pattern": f"^{PERSON_KEY_PATTERN}$"}),
]


# ---------------------------------------------------------------------------------- people


_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
_GITHUB_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
_SLACK_ID = r"[UW][A-Z0-9]{2,}"
_DISCORD_ID = r"[0-9]{15,21}"


class Person(StrictModel):
    """Someone (or a team with a lead) who can own action items."""

    aliases: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Other ways documents write this owner: full name, @handle, short name.",
    )
    email: Annotated[str, AfterValidator(matches(_EMAIL, "an e-mail address"))] | None = Field(
        None, description="E-mail address; also used to look the person up in trackers."
    )
    jira: str | None = Field(
        None, description="Jira Cloud accountId, or the Jira Data Center username."
    )
    github: (
        Annotated[str, AfterValidator(matches(_GITHUB_LOGIN, "a GitHub login, without @"))] | None
    ) = Field(None, description="GitHub login (without @).")
    slack: (
        Annotated[
            str,
            AfterValidator(
                matches(_SLACK_ID, "a Slack member ID like U012ABCDEF (profile > Copy member ID)")
            ),
        ]
        | None
    ) = Field(None, description="Slack member ID (U012ABCDEF), used for mentions.")
    teams: str | None = Field(
        None, description="Microsoft Teams user principal name (e-mail form), used for mentions."
    )
    mattermost: str | None = Field(None, description="Mattermost username (without @).")
    discord: (
        Annotated[
            str, AfterValidator(matches(_DISCORD_ID, "a Discord user ID (digits, Copy User ID)"))
        ]
        | None
    ) = Field(None, description="Discord user ID (digits), used for mentions.")
    lead: PersonKey | None = Field(
        None,
        description="For a team used as an owner: the person (a key under people) assigned.",
    )


def _check_people(people: dict[str, Person]) -> dict[str, Person]:
    problems = [config_problem(path, message) for path, message in people_problems(people)]
    if problems:
        raise ValidationError.from_exception_data("people", problems)
    return people


People = Annotated[dict[PersonKey, Person], AfterValidator(_check_people)]


# ---------------------------------------------------------------------------------- policy


# A day count of a policy: a due date or a review is computed by adding it to a date, so it is
# bounded well below anything that could overflow (and anything that would still be a policy).
PolicyDays = Annotated[int, Field(ge=1, le=MAX_POLICY_DAYS)]


def _date_in_range(value: date) -> date:
    if not date_in_range(value):
        raise ValueError(f"must be a date {DATE_RANGE_TEXT}")
    return value


ConfigDate = Annotated[date, AfterValidator(_date_in_range)]


class DueDays(StrictModel):
    """Days after the postmortem's date by which an undated item is due, per priority."""

    P0: PolicyDays | None = Field(None, description="Days for P0 items.")
    P1: PolicyDays | None = Field(None, description="Days for P1 items.")
    P2: PolicyDays | None = Field(None, description="Days for P2 items.")
    P3: PolicyDays | None = Field(None, description="Days for P3 items.")
    default: PolicyDays = Field(description="Days for items of any other or no priority.")

    def for_priority(self, priority: Priority | None) -> int:
        days: int | None = getattr(self, priority.value) if priority is not None else None
        return days if days is not None else self.default


class Policy(StrictModel):
    """How items are judged and dated."""

    due_days: DueDays = Field(
        default_factory=lambda: DueDays(P0=7, P1=28, default=56),
        description="When an item has no date: days after the postmortem, by priority.",
    )
    business_days: bool = Field(
        False, description="Count due_days in business days (Mon-Fri, without holidays)."
    )
    holidays: list[ConfigDate] = Field(
        default_factory=list,
        max_length=MAX_HOLIDAYS,
        description="Days not counted as business days (YYYY-MM-DD).",
    )
    due_soon_days: int = Field(
        7, ge=1, le=MAX_DUE_SOON_DAYS, description="An open item due within this is due soon."
    )
    stale_after_days: PolicyDays = Field(
        14, description="No activity in the tracker for this long (not counting syncd's) is stale."
    )
    review_after_days: PolicyDays = Field(
        35, description="A postmortem's follow-up review is due this many days after it."
    )
    mirror_done_items: bool = Field(
        False, description="Open tracker issues for items already done in the document."
    )


# ---------------------------------------------------------------------------------- digest


def _cron(value: str) -> str:
    # Imported here: the scheduler library is only needed to check the expression.
    from syncd.cron import cron_trigger, schedule_gap_problem

    try:
        cron_trigger(value, UTC)
    except ValueError as exc:
        raise ValueError(
            f"not a valid cron expression ({exc}); five fields: minute hour day-of-month "
            'month day-of-week, e.g. "0 9 * * MON"'
        ) from None
    problem = schedule_gap_problem(value, "UTC")
    if problem is not None:
        raise ValueError(f"the schedule {problem}")
    return value


CronExpression = Annotated[str, AfterValidator(_cron)]

HttpUrlText = Annotated[
    str,
    AfterValidator(matches(r"https?://\S+", "an http:// or https:// URL")),
    Field(json_schema_extra={"format": "uri"}),
]


class Digest(StrictModel):
    """When and where the team's digest is posted."""

    schedule: CronExpression = Field(
        "0 9 * * MON", description="Cron (5 fields), in the team's timezone."
    )
    channels: list[ChannelConfig] = Field(
        default_factory=list, description="Where to post; each {type: slack|teams|..., ...}."
    )
    link: HttpUrlText | None = Field(
        None,
        description=(
            "Where a shortened digest's 'and N more' points: a page listing every item, e.g. "
            "the tracker's filter of the team's labels."
        ),
    )


# ------------------------------------------------------------------------------------ team


@cache
def _timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of zones
        close = suggest(value, _timezone_names())
        hint = f"did you mean {close!r}?" if close else "e.g. Europe/Berlin, America/New_York, UTC"
        raise ValueError(f"unknown time zone; use an IANA name ({hint})") from None
    return value


class TeamConfig(StrictModel):
    """One team file."""

    version: Literal[1] = Field(
        1,
        description=(
            "The team file's format (syncd.config.team_versions): 1. A file without it is read "
            "as version 1; an older one is brought up to date when it is loaded."
        ),
    )
    team: TeamName = Field(description="The team's name: lowercase letters, digits, - and _.")
    timezone: Annotated[str, AfterValidator(_timezone)] = Field(
        "UTC", description="IANA time zone for dates, due days and the digest schedule."
    )
    date_order: Literal["dmy", "mdy"] | None = Field(
        None,
        description="How to read numeric dates like 01/02/2027; unset: refused as ambiguous.",
    )
    sources: list[SourceConfig] = Field(
        min_length=1, description="Where postmortems are read from."
    )
    tracker: TrackerConfig = Field(description="Where action items are mirrored.")
    people: People = Field(
        default_factory=dict,
        description="Owners, merged over people.yaml (an entry here replaces the shared one).",
    )
    policy: Policy = Field(default_factory=Policy, description="Due dates and judgement.")
    digest: Digest = Field(default_factory=Digest, description="The periodic report to chat.")

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @model_validator(mode="after")
    def _schedule_fires_in_its_timezone(self) -> Self:
        # Checked in UTC with the field; a daylight-saving change can still skip the only time
        # a schedule names in the team's own zone, every year.
        from syncd.cron import schedule_gap_problem

        problem = schedule_gap_problem(self.digest.schedule, self.timezone)
        if problem is not None:
            raise ValidationError.from_exception_data(
                "TeamConfig",
                [
                    config_problem(
                        ("digest", "schedule"), f"in {self.timezone}, the schedule {problem}"
                    )
                ],
            )
        return self

    @field_validator("sources", mode="wrap")
    @classmethod
    def _unique_source_names(
        cls, value: Any, handler: ValidatorFunctionWrapHandler
    ) -> list[SourceConfig]:
        # Checked on the raw blocks, so a duplicate is reported beside other errors in them.
        problems: list[InitErrorDetails] = []
        first: dict[str, int] = {}
        for index, block in enumerate(value if isinstance(value, list) else []):
            name = block.get("name") if isinstance(block, Mapping) else None
            if not isinstance(name, str):
                continue
            seen = first.setdefault(name, index)
            if seen != index:
                problems.append(
                    config_problem(
                        (index, "name"),
                        f"duplicate source name {name!r} (also sources[{seen}]); "
                        "names must be unique within the team",
                    )
                )
        try:
            sources: list[SourceConfig] = handler(value)
        except ValidationError as exc:
            problems = [
                *(config_problem(e["loc"], e["msg"]) for e in _described_source_errors(exc)),
                *problems,
            ]
        if problems:
            raise ValidationError.from_exception_data("sources", problems)
        return sources


def _described_source_errors(exc: ValidationError) -> list[ErrorDetails]:
    """Errors with people's messages, ready to be raised again inside another error."""
    described: list[ErrorDetails] = []
    for error in exc.errors():
        message = describe(error, lambda path: allowed_keys(SourceConfig, path[1:]))
        described.append({**error, "msg": message})
    return described
