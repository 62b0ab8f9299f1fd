"""Jira tracker connector (Jira Cloud and Jira Data Center)."""

from __future__ import annotations

from connectors.jira.settings import JiraAuth, JiraSettings
from connectors.jira.tracker import JiraTracker

__all__ = ["JiraAuth", "JiraSettings", "JiraTracker"]
