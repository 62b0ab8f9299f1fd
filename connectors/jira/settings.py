"""Settings of the Jira tracker: Jira Cloud and Jira Data Center.

Self-contained on purpose: connectors depend on the registry's ``ConnectorSettings`` only, never
on the core's configuration code. Messages never repeat a value (it may be a secret).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from syncd.connector.settings import ConnectorSettings

PriorityName = Literal["P0", "P1", "P2", "P3"]

DEFAULT_PRIORITIES: dict[PriorityName, str] = {
    "P0": "Highest",
    "P1": "High",
    "P2": "Medium",
    "P3": "Low",
}

# syncd marks every issue it mirrors with the label `syncd-<item id>`; a configured label with
# that prefix would look like a marker.
MARKER_LABEL_PREFIX = "syncd-"

PROJECT_KEY_PATTERN = r"[A-Z][A-Z0-9_]+"


def _site_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ValueError("must not contain credentials; put them in auth")
    return value.rstrip("/")


def _project_key(value: str) -> str:
    if re.fullmatch(PROJECT_KEY_PATTERN, value) is None:
        raise ValueError("must be a Jira project key: capitals, digits, _ (e.g. PAY)")
    return value


def _error_at(loc: tuple[str, ...], message: str) -> ValidationError:
    """An error on the key to fix rather than on the whole block (for cross-field checks)."""
    error = PydanticCustomError("config_error", message)
    return ValidationError.from_exception_data(
        "JiraSettings", [InitErrorDetails(type=error, loc=loc, input=None)]
    )


def _jira_label(label: str) -> str:
    if not label or any(ch.isspace() for ch in label):
        raise ValueError("Jira labels cannot be empty or contain spaces (use - or _)")
    if len(label) > 255:
        raise ValueError("Jira labels are at most 255 characters long")
    if label.startswith(MARKER_LABEL_PREFIX):
        raise ValueError(
            f"labels starting with {MARKER_LABEL_PREFIX!r} are reserved for syncd's markers"
        )
    return label


ProjectKey = Annotated[
    str,
    AfterValidator(_project_key),
    Field(json_schema_extra={"pattern": f"^{PROJECT_KEY_PATTERN}$"}),
]


JiraLabel = Annotated[
    str, AfterValidator(_jira_label), Field(json_schema_extra={"pattern": r"^\S+$"})
]


class JiraAuth(ConnectorSettings):
    """Jira Cloud: e-mail and API token. Jira Data Center: a personal access token only."""

    email: str | None = Field(
        None,
        description=(
            "Jira Cloud: the e-mail address of the account the API token belongs to. "
            "Leave out for Data Center (its personal access token is sent as a bearer token)."
        ),
    )
    token: SecretStr = Field(
        description=(
            "Jira Cloud API token or Data Center personal access token, from the environment: "
            '"${JIRA_TOKEN}".'
        ),
    )


class JiraSettings(ConnectorSettings):
    """The ``tracker:`` block of a team that mirrors into Jira."""

    url: Annotated[
        str,
        AfterValidator(_site_url),
        Field(json_schema_extra={"format": "uri", "pattern": "^https?://"}),
    ] = Field(
        description=(
            "Base URL of the Jira site: https://acme.atlassian.net (Cloud) or the Data Center "
            "base URL, including its context path if any."
        )
    )
    deployment: Literal["auto", "cloud", "datacenter"] = Field(
        "auto",
        description="cloud or datacenter; auto asks the server (serverInfo) on first use.",
    )
    auth: JiraAuth = Field(
        description="Credentials: {email, token} (Cloud) or {token} (Data Center)."
    )
    project: ProjectKey = Field(description="Key of the project issues are created in (e.g. PAY).")
    reference_projects: list[ProjectKey] = Field(
        default_factory=list,
        description=(
            "Other projects whose issue keys, written in a postmortem (SEC-12), name an "
            "existing issue: linked from the item's own issue and reported, never adopted "
            "(only issues of project are). Keys of project and of these are references; any "
            "other key (KIP-405, ISO-27001) is plain text."
        ),
    )
    issue_type: str = Field(
        "Task", min_length=1, description="Issue type of created issues, as named in the project."
    )
    labels: list[JiraLabel] = Field(
        default_factory=list,
        description="Labels added to every mirrored issue (no spaces).",
    )
    priorities: dict[PriorityName, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: dict(DEFAULT_PRIORITIES),
        description=(
            "Jira priority name for each item priority; priorities not listed keep the default "
            "(P0 Highest, P1 High, P2 Medium, P3 Low)."
        ),
    )
    timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="Timeout of each request to Jira, in seconds."
    )
    remote_links: bool = Field(
        True,
        description=(
            "Add a remote link from each new issue back to its postmortem (the issue's links "
            "panel). It costs one request per created issue, most of a first mirror's "
            "requests; the description links the postmortem either way."
        ),
    )

    def issue_key_projects(self) -> frozenset[str]:
        """The projects whose keys in a postmortem name this team's issues."""
        return frozenset({self.project, *self.reference_projects})

    @field_validator("priorities", mode="after")
    @classmethod
    def _fill_default_priorities(cls, value: dict[PriorityName, str]) -> dict[PriorityName, str]:
        return {**DEFAULT_PRIORITIES, **value}

    @model_validator(mode="after")
    def _auth_matches_deployment(self) -> Self:
        host = urlsplit(self.url).hostname or ""
        cloud = self.deployment == "cloud" or (
            self.deployment == "auto" and host.endswith(".atlassian.net")
        )
        if cloud and self.auth.email is None:
            raise _error_at(
                ("auth", "email"),
                "Jira Cloud needs the account's e-mail with the API token: "
                'auth: {email: bot@example.com, token: "${JIRA_TOKEN}"}',
            )
        if self.deployment == "datacenter" and self.auth.email is not None:
            raise _error_at(
                ("auth", "email"),
                "Jira Data Center uses a personal access token alone: remove auth.email",
            )
        return self
