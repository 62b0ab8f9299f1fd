"""The routing facts of each loaded team (``route.HookTarget``), read from its settings.

The core never imports a connector: the settings are read by the names the team file uses
(``tracker.repo``, ``tracker.project``, ``tracker.url``, a source's ``git.url`` and
``git.branch``), which is also how a person configuring the webhook thinks of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from syncd.config.loader import LoadedTeam
from syncd.webhooks.route import HookTarget


def hook_targets(teams: Iterable[LoadedTeam]) -> tuple[HookTarget, ...]:
    return tuple(_target(team) for team in teams)


def _target(team: LoadedTeam) -> HookTarget:
    tracker = team.config.tracker
    settings = tracker.settings
    github_repo = _text(getattr(settings, "repo", None)) if tracker.type == "github" else None
    jira = tracker.type == "jira"
    git_sources = []
    for source in team.config.sources:
        git = getattr(source.settings, "git", None)
        url, branch = _text(getattr(git, "url", None)), _text(getattr(git, "branch", None))
        if url is not None and branch is not None:
            git_sources.append((url, branch))
    return HookTarget(
        team=team.config.team,
        github_repo=github_repo,
        jira_project=_text(getattr(settings, "project", None)) if jira else None,
        jira_site=_text(getattr(settings, "url", None)) if jira else None,
        git_sources=tuple(git_sources),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
