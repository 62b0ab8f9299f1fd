"""The Microsoft Teams connector: renders the digest as an Adaptive Card and posts it through a
Workflows webhook."""

from connectors.msteams.notifier import TeamsNotifier, TeamsSettings
from connectors.msteams.render import TeamsLimits, render_teams

__all__ = ["TeamsLimits", "TeamsNotifier", "TeamsSettings", "render_teams"]
