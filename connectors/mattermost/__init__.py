"""The Mattermost connector: renders the digest for Mattermost and posts it through a webhook."""

from connectors.mattermost.notifier import MattermostNotifier, MattermostSettings
from connectors.mattermost.render import MattermostLimits, render_mattermost

__all__ = ["MattermostLimits", "MattermostNotifier", "MattermostSettings", "render_mattermost"]
