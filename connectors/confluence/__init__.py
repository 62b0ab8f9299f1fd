"""Postmortems in Confluence pages: Confluence Cloud (REST v2) and Data Center (REST v1).

The names below are imported on first use, as the markdown source's: listing connectors
(``syncd check``, the schema) loads the settings only, and a reading process only the
extraction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from syncd.connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connectors.confluence.settings import ConfluenceSettings
    from connectors.confluence.source import ConfluenceSource

__all__ = ["ConfluenceSettings", "ConfluenceSource"]

_HOMES = {
    "ConfluenceSettings": "connectors.confluence.settings",
    "ConfluenceSource": "connectors.confluence.source",
}


__getattr__ = lazy_exports(__name__, _HOMES)
