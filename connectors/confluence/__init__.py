"""Postmortems in Confluence pages: Confluence Cloud (REST v2) and Data Center (REST v1).

The names below are imported on first use, as the markdown source's: listing connectors
(``syncd check``, the schema) loads the settings only, and a reading process only the
extraction.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.confluence.settings import ConfluenceSettings
    from connectors.confluence.source import ConfluenceSource

__all__ = ["ConfluenceSettings", "ConfluenceSource"]

_HOMES = {
    "ConfluenceSettings": "connectors.confluence.settings",
    "ConfluenceSource": "connectors.confluence.source",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
