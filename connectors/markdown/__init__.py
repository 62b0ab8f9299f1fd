"""Postmortems written in markdown: a folder, a glob of files, or a git repository.

The names below are imported on first use: a reading process (``worker.load_and_extract``)
imports only the extraction engine, not the source's settings, git and file handling, which
halves its start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
