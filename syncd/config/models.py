"""The team file, as validated models (CONTRACT §3).

Connector blocks (``sources``, ``tracker``, ``digest.channels``) are validated by their
connectors' own Settings; see ``syncd.config.blocks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date
from functools import cache
from typing import Annotated, Any, Literal, Self, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, ErrorDetails, InitErrorDetails

from syncd.config.base import StrictModel, config_problem, matches
from syncd.config.blocks import ChannelConfig, SourceConfig, TrackerConfig
from syncd.config.errors import describe, suggest, unknown_key_message
from syncd.config.keys import allowed_keys
from syncd.config.nudges import NudgeConfig
from syncd.config.people import people_problems, validated_handles
from syncd.limits import (
    DATE_RANGE_TEXT,
    MAX_DUE_SOON_DAYS,
    MAX_HOLIDAYS,
    MAX_POLICY_DAYS,
    date_in_range,
)
from syncd.model import Priority
from syncd.plugins import person_handles

__all__ = [
    "ChannelConfig",
    "DigestConfig",
    "DueDays",
    "PersonConfig",
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
# Kept by PersonConfig.handles; written as a connector type's key (``slack: U012ABCDEF``), never so.
_HANDLES = "handles"


# Besides the fields below, a person takes one key per connector that declares a PersonHandle
# (`slack: U012ABCDEF`, `github: octocat`, `jira: 5b10ac8d...`): the connector validates it,
# `handles` keeps it by connector type. (A comment, not the docstring: the docstring is the
# schema's description of a person.)
class PersonConfig(StrictModel):
    """Someone (or a team with a lead) who can own action items."""

    # The published schema's name, and the one validation errors give (``schema.PUBLISHED``).
    model_config = ConfigDict(title="Person")

    aliases: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="Other ways documents write this owner: full name, @handle, short name.",
    )
    email: Annotated[str, AfterValidator(matches(_EMAIL, "an e-mail address"))] | None = Field(
        None, description="E-mail address; also used to look the person up in trackers."
    )
    lead: PersonKey | None = Field(
        None,
        description="For a team used as an owner: the person (a key under people) assigned.",
    )
    handles: dict[str, str] = Field(default_factory=dict, exclude=True)

    @classmethod
    def extra_keys(cls) -> list[str]:
        """The keys a person takes besides its fields (for "did you mean" hints): the handles."""
        return list(person_handles())

    def owner_names(self) -> tuple[str, ...]:
        """The handles documents may write this person as, in the order of connector types."""
        specs = person_handles()
        return tuple(v for k, v in self.handles.items() if k in specs and specs[k].names_owner)

    @model_validator(mode="wrap")
    @classmethod
    def _connector_handles(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Self:
        if not isinstance(data, Mapping):
            return cast(Self, handler(data))
        specs = person_handles()
        fields = {k: v for k, v in data.items() if k not in specs and k != _HANDLES}
        handles, problems = validated_handles(data, specs)
        if _HANDLES in data:
            allowed = allowed_keys(PersonConfig, ())
            problems.append(config_problem((_HANDLES,), unknown_key_message(_HANDLES, allowed)))
        try:
            person = cast(Self, handler({**fields, _HANDLES: handles}))
        except ValidationError as exc:
            described = (
                config_problem(e["loc"], describe(e, lambda p: allowed_keys(PersonConfig, p)))
                for e in exc.errors()
            )
            problems = [*described, *problems]
        if problems:
            raise ValidationError.from_exception_data("Person", problems)
        return person

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core_schema))
        properties = schema.setdefault("properties", {})
        properties.pop(_HANDLES, None)
        for kind, spec in person_handles().items():
            properties[kind] = {
                "anyOf": [TypeAdapter(spec.type).json_schema(), {"type": "null"}],
                "default": None,
                "description": spec.description,
                "title": kind.title(),
            }
        return schema


def _check_people(people: dict[str, PersonConfig]) -> dict[str, PersonConfig]:
    problems = [config_problem(path, message) for path, message in people_problems(people)]
    if problems:
        raise ValidationError.from_exception_data("people", problems)
    return people


People = Annotated[dict[PersonKey, PersonConfig], AfterValidator(_check_people)]


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
    review_issues: bool = Field(
        False,
        description=(
            "Also open a 'Follow-up review: <postmortem>' issue per postmortem with open items, "
            "due review_after_days after it, listing its items; closed when all are done."
        ),
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


class DigestConfig(StrictModel):
    """When and where the team's digest is posted."""

    # The published schema's name (``schema.PUBLISHED``).
    model_config = ConfigDict(title="Digest")

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


ServiceName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
ServiceWord = Annotated[str, Field(min_length=2, max_length=100, pattern=r"\w")]


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
    digest: DigestConfig = Field(
        default_factory=DigestConfig, description="The periodic report to chat."
    )
    services: dict[ServiceName, list[ServiceWord]] = Field(
        default_factory=dict,
        max_length=500,
        description=(
            "Services and the words that name them in a postmortem's title, for postmortems "
            "that name no service (front matter service/services, a 'Service:' line)."
        ),
    )
    nudges: NudgeConfig | None = Field(
        None,
        description=(
            "Comments on overdue (or due-soon, stale) issues to their assignees; off when absent."
        ),
    )

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
