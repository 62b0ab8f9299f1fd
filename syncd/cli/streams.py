"""Where a command writes: results to stdout, logs, progress and errors to stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

from syncd.cli.redacting_console import RedactingConsole

# Piped output keeps whole lines readable instead of folding tables at 80 columns.
PIPED_WIDTH = 160


class Consoles:
    """Consoles built on use, so they write to whatever stdout/stderr are at that moment."""

    @property
    def out(self) -> Console:
        width = None if sys.stdout.isatty() else PIPED_WIDTH
        return RedactingConsole(highlight=False, width=width)

    @property
    def err(self) -> Console:
        width = None if sys.stderr.isatty() else 200
        return RedactingConsole(stderr=True, highlight=False, width=width)


# Read as ``streams.consoles`` at each use, so that a test can put consoles of its own here.
consoles = Consoles()


def print_json(payload: dict[str, Any]) -> None:
    # Indented for a person at a terminal; compact for a program (Python's C encoder only
    # runs without indentation, which matters for tens of thousands of items).
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(payload, indent=indent) + "\n")


def print_raw(text: str) -> None:
    """Text a program reads (CSV), written as is: no console wrapping or markup.

    Always UTF-8: a file for a spreadsheet or a BI tool must not depend on the locale of the
    shell that wrote it, and a title in another script must not crash an ASCII terminal.
    """
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream put in place by a test or an embedding program
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8", "replace"))
    buffer.flush()
