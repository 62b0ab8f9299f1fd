"""The HTTP policy wired into the vendor client libraries the trackers use (PyGithub, jira).

Kept apart from ``syncd.connector.http`` so that a connector that needs neither client does not
import them.
"""

from __future__ import annotations

from syncd.http.github_setup import configure_github, github_client_options
from syncd.http.jira_setup import configure_jira, jira_client_options

__all__ = ["configure_github", "configure_jira", "github_client_options", "jira_client_options"]
