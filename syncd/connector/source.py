"""The source role: a connector that reads postmortems.

``Source.read`` yields each document's extraction, or a ``DocumentFailure`` saying why it was
skipped (bad input is reported, never raised); it raises :class:`SourceError` only when the
source as a whole cannot be read. What it yields is in ``syncd.connector.model``; untrusted YAML
is parsed with ``syncd.connector.bounded_yaml``.
"""

from __future__ import annotations

from syncd.plugins import Source, SourceContext, SourceError, SourceFactory

__all__ = ["Source", "SourceContext", "SourceError", "SourceFactory"]
