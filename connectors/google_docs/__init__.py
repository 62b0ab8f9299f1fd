"""Postmortems written in Google Docs: the documents of a Drive folder, read through the Drive
API v3 with a service account, exported as markdown and read by the markdown extraction.

The names below are imported on first use: listing connectors (``syncd check``, the schema)
does not load the HTTP client, and a reading process loads only the extraction.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.google_docs.settings import GoogleDocsSettings
    from connectors.google_docs.source import GoogleDocsSource

__all__ = ["GoogleDocsSettings", "GoogleDocsSource"]

_HOMES = {
    "GoogleDocsSettings": "connectors.google_docs.settings",
    "GoogleDocsSource": "connectors.google_docs.source",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
