"""Errors the state store raises; messages are fit to show a person and never hold a password."""

from __future__ import annotations


class StateStoreError(Exception):
    """The state store could not do what was asked: unreachable, refused, or misconfigured."""


class ReadOnlyStateStoreError(StateStoreError):
    """A write was attempted on a store opened read-only (``--dry-run`` writes nothing)."""


class SchemaTooNewError(StateStoreError):
    """The store was migrated by a newer syncd; this version must not read or write it."""


class SchemaNotCurrentError(StateStoreError):
    """The store's schema is older than this syncd needs; ``migrate()`` must run first."""
