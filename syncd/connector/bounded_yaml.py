"""YAML parsed within limits (depth, nodes, aliases, length), for front matter and other
untrusted YAML a source reads: :func:`compose_within` with :data:`FRONT_MATTER_YAML`."""

from __future__ import annotations

from syncd.limits import FRONT_MATTER_YAML, YamlLimits
from syncd.yaml_budget import YamlLimitExceeded, YamlSyntaxError, compose_within

__all__ = [
    "FRONT_MATTER_YAML",
    "YamlLimitExceeded",
    "YamlLimits",
    "YamlSyntaxError",
    "compose_within",
]
