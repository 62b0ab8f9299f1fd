"""GitHub Issues tracker connector (github.com and GitHub Enterprise Server)."""

from __future__ import annotations

from typing import ClassVar

from connectors.github.settings import GitHubSettings
from syncd.plugins import ConnectorKind

__all__ = ["GitHubSettings", "GitHubTracker"]


class GitHubTracker:
    """Mirrors action items into GitHub Issues of one repository.

    Each issue carries a hidden ``<!-- syncd:item=<id> -->`` marker in its body and the due date
    as a ``Due:`` line or a milestone.
    """

    kind: ClassVar[ConnectorKind] = "tracker"
    Settings: ClassVar[type[GitHubSettings]] = GitHubSettings
    type: ClassVar[str] = "github"
