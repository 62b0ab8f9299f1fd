"""Structured logs on stderr: readable on a terminal, JSON elsewhere, never a secret."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

_SECRET_KEYS = re.compile(r"(token|password|passwd|secret|authorization|api_key|webhook)", re.I)
_MASK = "***"


class Redactor:
    """A structlog processor: masks secret-looking keys and every registered secret value."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def register(self, values: Iterable[str]) -> None:
        # Very short values would mask ordinary words; a real credential is never that short.
        self._values.update(v for v in values if len(v) >= 6)

    def redact_text(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, _MASK)
        return text

    def __call__(
        self, _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key, value in list(event_dict.items()):
            if _SECRET_KEYS.search(key) and value not in (None, ""):
                event_dict[key] = _MASK
            elif isinstance(value, str):
                event_dict[key] = self.redact_text(value)
        return event_dict


redactor = Redactor()


class _StderrLogger:
    """Writes each line to whatever ``sys.stderr`` is at that moment (tests swap it)."""

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


class _StreamLogger:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def msg(self, message: str) -> None:
        print(message, file=self._stream, flush=True)

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


def configure(*, log_format: str | None, level: str = "info", stream: TextIO | None = None) -> None:
    """Set up structlog once per process. ``log_format`` None: console on a terminal, else JSON."""
    out = stream or sys.stderr
    fmt = log_format or ("console" if out.isatty() else "json")
    renderer: Any = (
        structlog.dev.ConsoleRenderer(colors=out.isatty())
        if fmt == "console"
        else structlog.processors.JSONRenderer(sort_keys=True)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            redactor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping()[level.upper()]
        ),
        logger_factory=(lambda *_: _StreamLogger(stream))
        if stream
        else (lambda *_: _StderrLogger()),
        cache_logger_on_first_use=False,
    )


def get_logger(**bound: Any) -> Any:
    return structlog.get_logger().bind(**bound)
