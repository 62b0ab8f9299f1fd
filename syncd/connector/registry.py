"""How connectors are found: the entry-point group, the kinds, and the lookups the core uses.

A connector registers under the entry-point group ``syncd.connectors`` a class with three class
attributes: ``kind`` (``"source"``, ``"tracker"`` or ``"notifier"``), ``type`` (the value of
``type:`` in a team file) and ``Settings`` (a :class:`syncd.connector.settings.ConnectorSettings`).
"""

from __future__ import annotations

from syncd.plugins import (
    ENTRY_POINT_GROUP,
    BrokenConnector,
    ConnectorClass,
    ConnectorKind,
    UnknownConnector,
    available,
    broken_connectors,
    connector_class,
    person_handles,
    settings_model,
)

KINDS: tuple[ConnectorKind, ...] = ("source", "tracker", "notifier")

__all__ = [
    "ENTRY_POINT_GROUP",
    "KINDS",
    "BrokenConnector",
    "ConnectorClass",
    "ConnectorKind",
    "UnknownConnector",
    "available",
    "broken_connectors",
    "connector_class",
    "person_handles",
    "settings_model",
]
