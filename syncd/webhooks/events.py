"""What a webhook delivery says, read from its headers and JSON body. Pure.

Only what routing needs is read: the repository (and branch of a push), the Jira project and
site, who caused the event, and the delivery's id. Anything else in the body is ignored, so a
vendor adding fields never breaks a delivery; a body that is not a JSON object is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GITHUB, JIRA, GENERIC = "github", "jira", "generic"
ENDPOINTS = (GITHUB, JIRA, GENERIC)
# GitHub: issues of a tracker repository, pushes to a git source. Others (ping, stars) are
# acknowledged and ignored.
GITHUB_EVENTS = frozenset({"issues", "push"})
JIRA_EVENTS = frozenset({"jira:issue_created", "jira:issue_updated", "jira:issue_deleted"})
MAX_ID_LENGTH = 200  # a delivery id is a key in the store; anything longer is not a real one


class BadDelivery(ValueError):
    """The body cannot be read as the endpoint's delivery (not JSON, wrong shape)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    endpoint: str  # github | jira | generic
    delivery_id: str
    kind: str  # the event: "issues", "push", "jira:issue_updated", "generic", ...
    repository: str | None = None  # GitHub: owner/name
    clone_urls: tuple[str, ...] = ()  # GitHub push: the repository's URLs (https, ssh, git)
    branch: str | None = None  # GitHub push: the branch pushed to
    project: str | None = None  # Jira: the issue's project key
    site: str | None = None  # Jira: the site's base URL, from the issue's ``self``
    actor: str | None = None  # who caused it: GitHub login, Jira accountId (or DC name)
    team: str | None = None  # generic: the team named

    @property
    def handled(self) -> bool:
        """An event kind that can change what a team syncs."""
        if self.endpoint == GITHUB:
            return self.kind in GITHUB_EVENTS
        if self.endpoint == JIRA:
            return self.kind in JIRA_EVENTS
        return True


def github_delivery(headers: Mapping[str, str], body: bytes, *, fallback_id: str) -> Delivery:
    """``headers`` with lower-case names."""
    payload = _object(body)
    kind = headers.get("x-github-event", "").strip() or "unknown"
    repository = _dict(payload.get("repository"))
    branch = None
    ref = payload.get("ref")
    if kind == "push" and isinstance(ref, str) and ref.startswith("refs/heads/"):
        branch = ref.removeprefix("refs/heads/")
    urls = tuple(
        str(repository[key])
        for key in ("clone_url", "ssh_url", "git_url", "html_url", "url")
        if isinstance(repository.get(key), str)
    )
    return Delivery(
        endpoint=GITHUB,
        delivery_id=_id(headers.get("x-github-delivery"), fallback_id),
        kind=kind,
        repository=_text(repository.get("full_name")),
        clone_urls=urls,
        branch=branch,
        actor=_text(_dict(payload.get("sender")).get("login")),
    )


def jira_delivery(headers: Mapping[str, str], body: bytes, *, fallback_id: str) -> Delivery:
    payload = _object(body)
    issue = _dict(payload.get("issue"))
    fields = _dict(issue.get("fields"))
    project = _text(_dict(fields.get("project")).get("key"))
    key = _text(issue.get("key"))
    if project is None and key is not None and "-" in key:
        project = key.rsplit("-", 1)[0]
    user = _dict(payload.get("user"))
    return Delivery(
        endpoint=JIRA,
        delivery_id=_id(headers.get("x-atlassian-webhook-identifier"), fallback_id),
        kind=_text(payload.get("webhookEvent")) or "unknown",
        project=project,
        site=_site_of(_text(issue.get("self"))),
        actor=_text(user.get("accountId")) or _text(user.get("name")),
    )


def generic_delivery(headers: Mapping[str, str], body: bytes, *, fallback_id: str) -> Delivery:
    """``{"team": NAME}``; the id from ``X-Syncd-Delivery`` (or the body's ``id``) when sent."""
    payload = _object(body)
    team = payload.get("team")
    if not isinstance(team, str) or not team.strip():
        raise BadDelivery('the body must be a JSON object naming a team: {"team": NAME}')
    given = headers.get("x-syncd-delivery") or _text(payload.get("id"))
    return Delivery(
        endpoint=GENERIC,
        delivery_id=_id(given, fallback_id),
        kind="generic",
        team=team.strip(),
    )


def _site_of(self_url: str | None) -> str | None:
    # An issue's "self" is <site>/rest/api/<n>/issue/<id>; the site may sit under a context
    # path (Data Center: https://host/jira).
    if self_url is None or "/rest/" not in self_url:
        return None
    return self_url.split("/rest/", 1)[0]


def _object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadDelivery("the body is not JSON") from exc
    if not isinstance(payload, dict):
        raise BadDelivery("the body is not a JSON object")
    return payload


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _id(given: str | None, fallback: str) -> str:
    given = (given or "").strip()
    return given[:MAX_ID_LENGTH] if given else fallback
