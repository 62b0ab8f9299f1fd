"""Logging for connectors: the structured logger, and the redactor that masks secrets in it.

A connector teaches :data:`redactor` every credential it holds, so that no log line, error
message or report ever shows one.
"""

from __future__ import annotations

from syncd.output.logs import get_logger
from syncd.output.redaction import redactor

__all__ = ["get_logger", "redactor"]
