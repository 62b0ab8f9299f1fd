"""The source role: a connector that reads postmortems.

``Source.read`` yields each document's extraction, or a ``DocumentFailure`` saying why it was
skipped (bad input is reported, never raised); it raises :class:`SourceError` only when the
source as a whole cannot be read. Front matter is parsed with :func:`compose_within`, YAML held
to the :data:`FRONT_MATTER_YAML` limits.
"""

from __future__ import annotations

from syncd.limits import FRONT_MATTER_YAML, YamlLimits
from syncd.plugins import Source, SourceContext, SourceError, SourceFactory
from syncd.yaml_budget import YamlLimitExceeded, YamlSyntaxError, compose_within

__all__ = [
    "FRONT_MATTER_YAML",
    "Source",
    "SourceContext",
    "SourceError",
    "SourceFactory",
    "YamlLimitExceeded",
    "YamlLimits",
    "YamlSyntaxError",
    "compose_within",
]
