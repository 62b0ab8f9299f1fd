"""GitHub Issues tracker connector (github.com and GitHub Enterprise Server)."""

from __future__ import annotations

from connectors.github.settings import GitHubSettings
from connectors.github.tracker import GitHubTracker

__all__ = ["GitHubSettings", "GitHubTracker"]
