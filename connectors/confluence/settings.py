"""Settings of the Confluence source: Confluence Cloud (REST v2) and Data Center (REST v1).

Messages never repeat a value (it may be a secret). Cross-field problems are reported on the
key to fix (``auth.email``, ``parent``), as the Jira tracker's are.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from syncd.connector.settings import ConnectorSettings

DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024
LARGEST_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_DOCUMENT_SECONDS = 10.0
SPACE_KEY_PATTERN = r"~?[A-Za-z0-9_-]{1,255}"  # personal spaces start with ~
LABEL_PATTERN = r"[^\s,]{1,255}"  # Confluence labels have no spaces or commas

Deployment = Literal["cloud", "datacenter"]


def _site_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ValueError("must not contain credentials; put them in auth")
    if parts.query or parts.fragment:
        raise ValueError("must be the site's base URL, without ?query or #fragment")
    return value.rstrip("/")


def _matching(pattern: str, expected: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError(f"must be {expected}")
        return value

    return AfterValidator(check)


def _error_at(loc: tuple[str, ...], message: str) -> ValidationError:
    error = PydanticCustomError("config_error", message)
    return ValidationError.from_exception_data(
        "ConfluenceSettings", [InitErrorDetails(type=error, loc=loc, input=None)]
    )


class ConfluenceAuth(ConnectorSettings):
    """Cloud: the account's e-mail and an API token. Data Center: a personal access token."""

    email: str | None = Field(
        None,
        description=(
            "Confluence Cloud: the e-mail of the account the API token belongs to. Leave out "
            "for Data Center (its personal access token is sent as a bearer token)."
        ),
    )
    token: SecretStr = Field(
        description=(
            'Cloud API token or Data Center personal access token, from the environment: "${'
            'CONFLUENCE_TOKEN}".'
        )
    )


def _no_pull_requests(value: object) -> object:
    if value == "pull_request":
        raise ValueError(
            "Confluence has no pull requests: use mode: commit (the page is updated in place, "
            "checked against its version) or off"
        )
    return value


class ConfluenceWriteBack(ConnectorSettings):
    """Whether syncd writes each item's tracker key (and done mark) back into its page."""

    mode: Annotated[Literal["off", "commit"], BeforeValidator(_no_pull_requests)] = Field(
        "off",
        description=(
            "commit: update the page in place (a new version, refused and retried when someone "
            "edited the page meanwhile); off (default): never write to Confluence."
        ),
    )


SpaceKey = Annotated[
    str,
    _matching(SPACE_KEY_PATTERN, "a Confluence space key (letters, digits, _ or -, e.g. PAY)"),
    Field(json_schema_extra={"pattern": f"^{SPACE_KEY_PATTERN}$"}),
]
Label = Annotated[
    str,
    _matching(LABEL_PATTERN, "one Confluence label, without spaces or commas"),
    Field(json_schema_extra={"pattern": f"^{LABEL_PATTERN}$"}),
]


class ConfluenceSettings(ConnectorSettings):
    """A ``sources:`` entry of ``type: confluence``."""

    url: Annotated[
        str,
        AfterValidator(_site_url),
        Field(json_schema_extra={"format": "uri", "pattern": "^https?://"}),
    ] = Field(
        description=(
            "Base URL of the Confluence site: https://acme.atlassian.net/wiki (Cloud) or the "
            "Data Center base URL with its context path, e.g. https://confluence.acme.com."
        )
    )
    deployment: Deployment | None = Field(
        None,
        description=(
            "cloud (REST v2) or datacenter (REST /rest/api/content); when left out, cloud for "
            "a *.atlassian.net URL, else datacenter."
        ),
    )
    auth: ConfluenceAuth = Field(
        description="Credentials: {email, token} (Cloud) or {token} (Data Center)."
    )
    space: SpaceKey | None = Field(
        None, description="Key of the space whose pages are read (e.g. PAY)."
    )
    parent: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description=(
            "Only this page's descendants (not the page itself): a page id, or a page title "
            "in space. Needs space."
        ),
    )
    label: Label | None = Field(
        None,
        description="Only pages carrying this label (in space when space is set, else anywhere).",
    )
    max_document_bytes: int = Field(
        DEFAULT_MAX_DOCUMENT_BYTES,
        gt=0,
        le=LARGEST_MAX_DOCUMENT_BYTES,
        description="A page whose storage-format body is larger is reported and skipped.",
    )
    max_document_seconds: float = Field(
        DEFAULT_MAX_DOCUMENT_SECONDS,
        gt=0,
        le=3600,
        description=(
            "A page whose reading takes longer is stopped, reported and skipped; the rest of "
            "the source is read. Real postmortems take milliseconds."
        ),
    )
    timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="Timeout of each request to Confluence, in seconds."
    )
    write_back: ConfluenceWriteBack = Field(
        default_factory=ConfluenceWriteBack,
        description=(
            "Write-back of tracker keys into the pages: {mode: commit} or {mode: off} "
            "(default). Needs an account that may edit the pages."
        ),
    )

    @property
    def resolved_deployment(self) -> Deployment:
        if self.deployment is not None:
            return self.deployment
        host = urlsplit(self.url).hostname or ""
        return "cloud" if host.endswith(".atlassian.net") else "datacenter"

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.space is None and self.label is None:
            raise _error_at(
                ("space",),
                "say which pages to read: space (a space key), label, or both "
                "(parent narrows space to a page's descendants)",
            )
        if self.parent is not None and self.space is None:
            raise _error_at(("parent",), "parent needs space: the space the parent page is in")
        cloud = self.resolved_deployment == "cloud"
        if cloud and self.auth.email is None:
            raise _error_at(
                ("auth", "email"),
                "Confluence Cloud needs the account's e-mail with the API token: "
                'auth: {email: bot@example.com, token: "${CONFLUENCE_TOKEN}"}',
            )
        if not cloud and self.auth.email is not None:
            raise _error_at(
                ("auth", "email"),
                "Confluence Data Center uses a personal access token alone (sent as a bearer "
                "token): remove auth.email, or set deployment: cloud for a Cloud site",
            )
        return self
