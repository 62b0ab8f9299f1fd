"""The Slack connector: renders the digest for Slack and posts it through a webhook."""

from connectors.slack.notifier import SlackNotifier, SlackSettings
from connectors.slack.render import SlackLimits, render_slack

__all__ = ["SlackLimits", "SlackNotifier", "SlackSettings", "render_slack"]
