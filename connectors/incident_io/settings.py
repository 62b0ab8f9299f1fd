"""The incident.io source's block of a team file, validated before anything is read.

Every field carries a description: they feed the published JSON Schema of the team file.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator

from syncd.connector.settings import ConnectorSettings

DEFAULT_URL = "https://api.incident.io"
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})  # http only to this machine (tests)
# incident.io's own modes; "standard" and "retrospective" are what its listings return unasked.
IncidentMode = Literal["standard", "retrospective", "test", "tutorial"]
# A postmortem has a few dozen follow-ups: thousands on one incident are an import gone wrong,
# which must not become thousands of issues (the markdown source's limit too).
DEFAULT_MAX_FOLLOW_UPS = 1_000


class IncidentIoSettings(ConnectorSettings):
    """Follow-ups of incident.io incidents, read through its public API (an API key)."""

    api_key: SecretStr = Field(
        description=(
            "An incident.io API key allowed to view incidents and follow-ups; write it as "
            '"${INCIDENTIO_API_KEY}". Sent as a Bearer token, never logged.'
        ),
    )
    api_url: str = Field(
        default=DEFAULT_URL,
        validation_alias=AliasChoices("api_url", "url"),
        description="The API's base URL (`url` is accepted too).",
    )
    severities: list[str] = Field(
        default_factory=list,
        description=(
            "Only incidents of these severities, by name as incident.io shows them "
            "(e.g. ['Critical', 'Major']), compared without case. Default: every severity, "
            "and incidents without one."
        ),
    )
    incident_types: list[str] = Field(
        default_factory=list,
        description=(
            "Only incidents of these incident types, by name (e.g. ['Production Outage']), "
            "compared without case. Default: every type."
        ),
    )
    since: dt.date | None = Field(
        default=None,
        description=("Only incidents created on or after this date (YYYY-MM-DD). Default: all."),
    )
    include_test_incidents: bool = Field(
        default=False,
        description=(
            "Also read the follow-ups of test and tutorial incidents (two more requests a "
            "cycle). incident.io leaves them out of its listings by default."
        ),
    )
    not_doing: Literal["done", "open"] = Field(
        default="done",
        description=(
            "How a follow-up marked 'not doing' counts: 'done' (closed, as a won't-do: it "
            "leaves the digest's open items) or 'open' (still tracked until someone decides)."
        ),
    )
    max_follow_ups: int = Field(
        default=DEFAULT_MAX_FOLLOW_UPS,
        gt=0,
        le=100_000,
        description=(
            "An incident with more follow-ups than this is reported and skipped (its items "
            "kept as they were), as an import gone wrong would be."
        ),
    )
    incident_refresh_hours: float = Field(
        default=24.0,
        gt=0,
        le=24 * 365,
        description=(
            "An incident (its name, severity, type) is fetched once and cached; it is fetched "
            "again after this many hours (spread over the next as many), so a renamed incident "
            "shows within a day while a cycle with nothing changed costs one request."
        ),
    )

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            # The value is not repeated: a careless `api_url: "${INCIDENTIO_API_KEY}"` holds
            # the key itself.
            raise ValueError(f"must be an http(s) URL such as {DEFAULT_URL}")
        if parts.username or parts.password:
            raise ValueError("must not hold credentials; the API key goes in `api_key`")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            # The key goes with every request: never in clear text over a network.
            raise ValueError(f"must be an https:// URL such as {DEFAULT_URL}")
        if parts.query or parts.fragment:
            raise ValueError("must be a base URL, without a query or fragment")
        return url.rstrip("/")

    @field_validator("severities", "incident_types")
    @classmethod
    def _names(cls, names: list[str]) -> list[str]:
        if any(not name.strip() for name in names):
            raise ValueError("an empty name matches nothing; remove it")
        return names

    @property
    def listed_modes(self) -> tuple[IncidentMode | None, ...]:
        """The listings read: None is incident.io's default (standard and retrospective
        incidents); test and tutorial incidents each take a listing of their own."""
        return (None, "test", "tutorial") if self.include_test_incidents else (None,)
