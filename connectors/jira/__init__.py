"""Jira tracker connector (Jira Cloud and Jira Data Center)."""

from __future__ import annotations

from typing import ClassVar

from connectors.jira.settings import JiraAuth, JiraSettings
from syncd.plugins import ConnectorKind

__all__ = ["JiraAuth", "JiraSettings", "JiraTracker"]


class JiraTracker:
    """Mirrors action items into a Jira project (Jira Cloud or Data Center).

    Items become issues in ``project``; syncd marks each with a ``syncd-<item id>`` label and
    links back to the postmortem.
    """

    kind: ClassVar[ConnectorKind] = "tracker"
    Settings: ClassVar[type[JiraSettings]] = JiraSettings
    type: ClassVar[str] = "jira"
