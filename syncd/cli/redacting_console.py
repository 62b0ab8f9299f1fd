"""A rich ``Console`` that masks secrets before it lays text out.

The standard streams mask whole lines (``syncd.output.redacting_stream``), but rich folds a word
longer than its column or the terminal onto several lines: a 190-character Jira API token in an
error or a table cell would reach the stream in pieces no mask matches. So the text is masked
here, before any layout, and the stream stays the last line of defence.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from syncd.output.redaction import redactor


class RedactingConsole(Console):
    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_masked(item) for item in objects), **kwargs)


def _masked(item: Any) -> Any:
    if isinstance(item, str):
        return redactor.redact_text(item)
    if isinstance(item, Text):
        return _masked_text(item)
    if isinstance(item, Table):
        for column in item.columns:
            # Cells are kept by the column; rich has no public way to rewrite them.
            column._cells = [_masked(cell) for cell in column._cells]
        return item
    return item


def _masked_text(text: Text) -> Text:
    masked = redactor.redact_text(text.plain)
    if masked == text.plain:
        return text
    # The styling of a span that held a secret cannot be kept; the line's own style is.
    return Text(masked, style=text.style, justify=text.justify, overflow=text.overflow)
