"""stdout and stderr that mask every secret the redactor knows, whoever writes to them.

syncd's own output, rich's tables, a library's warning through ``logging``, an uncaught
exception's traceback: all of it passes through ``sys.stdout`` / ``sys.stderr``, so masking
there is the one place nothing can go around. Text is masked a whole line at a time (a secret
never spans a line), and whatever is pending is masked and written on ``flush``.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from syncd.output.redaction import Redactor, redactor


class RedactingStream:
    """A text stream wrapper: ``write`` masks, everything else is the wrapped stream's."""

    def __init__(self, inner: TextIO, masks: Redactor = redactor) -> None:
        self._inner = inner
        self._masks = masks
        self._pending = ""
        self._lock = threading.Lock()

    @property
    def wrapped(self) -> TextIO:
        return self._inner

    def write(self, written: str) -> int:
        with self._lock:
            text = self._pending + written
            cut = text.rfind("\n") + 1
            self._pending = text[cut:]
            if cut:
                self._inner.write(self._masks.redact_text(text[:cut]))
        return len(written)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                self._inner.write(self._masks.redact_text(self._pending))
                self._pending = ""
        self._inner.flush()

    def __getattr__(self, name: str) -> Any:
        # isatty, fileno, encoding, buffer...: the terminal is the wrapped stream's.
        return getattr(self._inner, name)


def redact_standard_streams() -> None:
    """Wrap ``sys.stdout`` and ``sys.stderr`` (once) so nothing printed shows a secret."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, RedactingStream):
            setattr(sys, name, RedactingStream(stream))
