"""Which teams a delivery concerns, from plain facts about each team. Pure.

A GitHub ``issues`` event concerns the teams whose tracker is that repository; a ``push``, the
teams reading a markdown git source of that repository and branch; a Jira issue event, the teams
whose tracker is that project (on that site, when both are known); a generic delivery, the team
it names. Events caused by syncd's own account (its writes coming back) concern no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from syncd.webhooks.events import GENERIC, GITHUB, JIRA, Delivery


@dataclass(frozen=True, slots=True)
class HookTarget:
    """What routing needs to know of one team."""

    team: str
    github_repo: str | None = None  # its tracker's owner/name, when a GitHub tracker
    jira_project: str | None = None  # its tracker's project key, when a Jira tracker
    jira_site: str | None = None  # its Jira site's base URL
    git_sources: tuple[tuple[str, str], ...] = ()  # (repository URL, branch) of git sources


def teams_for(delivery: Delivery, targets: Iterable[HookTarget]) -> tuple[str, ...]:
    """The teams ``delivery`` concerns, in the order given; empty when none or not handled."""
    if not delivery.handled:
        return ()
    return tuple(target.team for target in targets if _concerns(delivery, target))


def caused_by_syncd(delivery: Delivery, own_accounts: Iterable[str]) -> bool:
    """True when the event's actor is an account syncd writes as (learnt from the trackers)."""
    if delivery.actor is None:
        return False
    actor = delivery.actor.casefold()
    return any(actor == account.casefold() for account in own_accounts)


def _concerns(delivery: Delivery, target: HookTarget) -> bool:
    if delivery.endpoint == GENERIC:
        return delivery.team == target.team
    if delivery.endpoint == JIRA:
        if target.jira_project is None or delivery.project != target.jira_project:
            return False
        if delivery.site is None or target.jira_site is None:
            return True
        return repository_key(delivery.site) == repository_key(target.jira_site)
    if delivery.endpoint == GITHUB and delivery.kind == "issues":
        return (
            target.github_repo is not None
            and delivery.repository is not None
            and delivery.repository.casefold() == target.github_repo.casefold()
        )
    if delivery.endpoint == GITHUB and delivery.kind == "push":
        pushed = {repository_key(url) for url in delivery.clone_urls}
        return any(
            branch == delivery.branch and repository_key(url) in pushed
            for url, branch in target.git_sources
        )
    return False


def repository_key(url: str) -> str:
    """A repository URL in one spelling for comparison: ``host/path``, lower-case host, no
    credentials, scheme, port, ``.git`` or trailing slash. ``git@host:org/repo.git`` (scp-like
    ssh) and ``https://user@host/org/repo`` give the same key."""
    text = url.strip()
    if "://" not in text and ":" in text.split("/", 1)[0]:  # scp-like: [user@]host:path
        host, _, path = text.partition(":")
        text = f"ssh://{host}/{path}"
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    path = parts.path.rstrip("/").removesuffix(".git").rstrip("/")
    return f"{host}{path}".casefold() if host else path.casefold()
