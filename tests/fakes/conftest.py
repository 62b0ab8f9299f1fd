"""Fixtures for the fakes' own tests."""

from __future__ import annotations

from tests.fakes.jira.fixtures import fake_jira, fake_jira_dc

__all__ = ["fake_jira", "fake_jira_dc"]  # fixtures, re-exported for this directory
