"""Postmortems written in Google Docs: the documents of a Drive folder, read through the Drive
API v3 with a service account, exported as markdown and read by the markdown extraction.

The names below are imported on first use: listing connectors (``syncd check``, the schema)
does not load the HTTP client, and a reading process loads only the extraction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from syncd.connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connectors.google_docs.settings import GoogleDocsSettings
    from connectors.google_docs.source import GoogleDocsSource

__all__ = ["GoogleDocsSettings", "GoogleDocsSource"]

_HOMES = {
    "GoogleDocsSettings": "connectors.google_docs.settings",
    "GoogleDocsSource": "connectors.google_docs.source",
}


__getattr__ = lazy_exports(__name__, _HOMES)
