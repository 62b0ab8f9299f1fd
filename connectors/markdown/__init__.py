"""Postmortems written in markdown: a folder, a glob of files, or a git repository.

The names below are imported on first use: a reading process (``worker.load_and_extract``)
imports only the extraction engine, not the source's settings, git and file handling, which
halves its start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from syncd.connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connectors.markdown.parallel import Extractor
    from connectors.markdown.settings import GitSettings, MarkdownSettings
    from connectors.markdown.source import MarkdownSource

__all__ = ["Extractor", "GitSettings", "MarkdownSettings", "MarkdownSource"]

_HOMES = {
    "Extractor": "connectors.markdown.parallel",
    "GitSettings": "connectors.markdown.settings",
    "MarkdownSettings": "connectors.markdown.settings",
    "MarkdownSource": "connectors.markdown.source",
}


__getattr__ = lazy_exports(__name__, _HOMES)
