"""Postmortems written in markdown: a folder, a glob of files, or a git repository."""

from __future__ import annotations

from connectors.markdown.parallel import Extractor
from connectors.markdown.settings import GitSettings, MarkdownSettings
from connectors.markdown.source import MarkdownSource

__all__ = ["Extractor", "GitSettings", "MarkdownSettings", "MarkdownSource"]
