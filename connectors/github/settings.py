"""Settings of the GitHub Issues tracker: github.com and GitHub Enterprise Server.

Self-contained on purpose: connectors depend on the registry's ``ConnectorSettings`` only, never
on the core's configuration code. Messages never repeat a value (it may be a secret).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr

from syncd.connector.settings import ConnectorSettings

REPO_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}/[A-Za-z0-9._-]{1,100}"
GITHUB_API_URL = "https://api.github.com"


def _repo(value: str) -> str:
    if re.fullmatch(REPO_PATTERN, value) is None:
        raise ValueError("must be owner/name of a repository (e.g. acme/payments)")
    return value


def _api_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    if parts.username or parts.password:
        raise ValueError("must not contain credentials; the token is sent in a header")
    if parts.query or parts.fragment:
        raise ValueError("must be a base URL, without ?query or #fragment")
    # github.com's web site is certainly not its API. Any other base is taken as given (an
    # Enterprise Server's /api/v3, a proxy, an API mounted at a root path): whether it is a
    # GitHub API is for `syncd check --online` to ask it, not for its path to suggest.
    if parts.hostname in ("github.com", "www.github.com"):
        raise ValueError(f"the API of github.com is {GITHUB_API_URL}")
    return value.rstrip("/")


def _github_label(label: str) -> str:
    if not label.strip():
        raise ValueError("labels cannot be empty")
    if len(label) > 50:
        raise ValueError("GitHub labels are at most 50 characters long")
    return label


class GitHubSettings(ConnectorSettings):
    """The ``tracker:`` block of a team that mirrors into GitHub Issues."""

    repo: Annotated[
        str,
        AfterValidator(_repo),
        Field(json_schema_extra={"pattern": f"^{REPO_PATTERN}$"}),
    ] = Field(description="Repository issues are created in: owner/name.")
    api_url: Annotated[
        str,
        AfterValidator(_api_url),
        Field(json_schema_extra={"format": "uri", "pattern": "^https?://"}),
    ] = Field(
        GITHUB_API_URL,
        description=(
            "REST API base URL: https://api.github.com; GitHub Enterprise Server "
            "https://ghe.example.com/api/v3; or the base URL of a proxy in front of either. "
            "`syncd check --online` verifies that it is a GitHub API."
        ),
    )
    token: SecretStr = Field(
        description=(
            "Token with read/write access to the repository's issues, from the environment: "
            '"${GITHUB_TOKEN}".'
        )
    )
    labels: list[Annotated[str, AfterValidator(_github_label)]] = Field(
        default_factory=list, description="Labels added to every mirrored issue."
    )
    due_dates: Literal["body", "milestone"] = Field(
        "body",
        description=(
            "Where the due date goes: a 'Due: YYYY-MM-DD' line in the body, or a milestone "
            "with that due date."
        ),
    )
    timeout_seconds: float = Field(
        30.0, gt=0, le=600, description="Timeout of each request to GitHub, in seconds."
    )
