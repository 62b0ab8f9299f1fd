"""Structured logs on stderr: readable on a terminal, JSON elsewhere, never a secret."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol, TextIO

import structlog

from syncd.output.failure_streaks import FailureKey
from syncd.output.redaction import MASK, redactor

__all__ = [
    "FailureReporter",
    "configure",
    "failures_reported_by",
    "get_logger",
    "log_failure",
    "log_recovery",
    "redactor",
]

_SECRET_KEYS = re.compile(r"(token|password|passwd|secret|authorization|api_key|webhook)", re.I)


def _mask_secret_keys(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: a field named like a secret never shows its value."""
    for key, value in list(event_dict.items()):
        if _SECRET_KEYS.search(key) and value not in (None, ""):
            event_dict[key] = MASK
    return event_dict


class _StderrLogger:
    """Writes each line to whatever ``sys.stderr`` is at that moment (tests swap it)."""

    def msg(self, message: str) -> None:
        # The rendered line, so that every value (nested, JSON-escaped, a traceback) is masked.
        print(redactor.redact_text(message), file=sys.stderr, flush=True)

    debug = info = warning = warn = error = critical = exception = fatal = log = msg


class _StreamLogger:
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def msg(self, message: str) -> None:
        print(redactor.redact_text(message), file=self._stream, flush=True)

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
            _mask_secret_keys,
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


class FailureReporter(Protocol):
    """Logs the failures a piece of work meets, deciding which are news (``syncd run``)."""

    def report(
        self,
        log: Any,
        key: FailureKey,
        event: str,
        error: str,
        *,
        traceback: bool,
        level: str = "error",
        **fields: Any,
    ) -> None: ...

    def recover(self, log: Any, key: FailureKey, **fields: Any) -> None: ...


_reporter: ContextVar[FailureReporter | None] = ContextVar("syncd_failure_reporter", default=None)


def log_failure(
    log: Any,
    key: FailureKey,
    event: str,
    *,
    error: str,
    traceback: bool = False,
    level: str = "error",
    **fields: Any,
) -> None:
    """Log a failure of ``key`` (a tracker, a source, ...). Left alone (the CLI: one cycle, and
    every failure matters) at ``level`` each time; under ``failures_reported_by`` the reporter
    decides (the first at ``level``, repeats at debug). ``traceback``: only from an ``except``
    block."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter.report(log, key, event, error, traceback=traceback, level=level, **fields)
    elif traceback:
        log.exception(event, error=error, **fields)
    else:
        getattr(log, level)(event, error=error, **fields)


def log_recovery(log: Any, key: FailureKey, **fields: Any) -> None:
    """``key`` works again (a document read, a request answered): under a reporter, its
    ``<kind>.recovered`` event when it was failing. Left alone (the CLI), nothing to say."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter.recover(log, key, **fields)


def current_reporter() -> FailureReporter | None:
    """This thread's reporter, to hand on to threads it starts (``shared_reporter``)."""
    return _reporter.get()


class _LockedReporter:
    """One reporter used from several threads at once: its streaks are plain dicts."""

    def __init__(self, reporter: FailureReporter) -> None:
        self._reporter = reporter
        self._lock = threading.Lock()

    def report(self, log: Any, key: FailureKey, event: str, error: str, **options: Any) -> None:
        with self._lock:
            self._reporter.report(log, key, event, error, **options)

    def recover(self, log: Any, key: FailureKey, **fields: Any) -> None:
        with self._lock:
            self._reporter.recover(log, key, **fields)


def shared_reporter(reporter: FailureReporter | None) -> FailureReporter | None:
    """``reporter`` made safe for the threads of a pool (None stays None: the CLI's case)."""
    return None if reporter is None else _LockedReporter(reporter)


@contextmanager
def failures_reported_by_if(reporter: FailureReporter | None) -> Iterator[None]:
    """``failures_reported_by`` when there is a reporter; nothing otherwise."""
    if reporter is None:
        yield
    else:
        with failures_reported_by(reporter):
            yield


@contextmanager
def failures_reported_by(reporter: FailureReporter) -> Iterator[None]:
    """Route this thread's ``log_failure`` calls to ``reporter`` while inside."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)
