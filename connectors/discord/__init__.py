"""The Discord connector: renders the digest for Discord and posts it through a webhook."""

from connectors.discord.notifier import DiscordNotifier, DiscordSettings
from connectors.discord.render import DiscordLimits, render_discord

__all__ = ["DiscordLimits", "DiscordNotifier", "DiscordSettings", "render_discord"]
