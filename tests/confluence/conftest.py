"""Fixtures of the Confluence source's tests."""

from __future__ import annotations

from tests.fakes.confluence.fixtures import fake_confluence, fake_confluence_dc

__all__ = ["fake_confluence", "fake_confluence_dc"]  # fixtures, re-exported for this directory
