"""How ``syncd --help`` shows options: a flag is written as it is typed, ``--dry-run``.

Typer's rich help puts a type placeholder beside every option, ``<bool>`` beside flags too,
which reads as if ``--dry-run`` took a value. The command classes here give every flag (ours,
``--help`` and ``--version``) an empty placeholder; an option that takes a value keeps the one it
declares (``--config PATH``). Rich help also keeps a docstring's line breaks, which leaves
ragged lines once the terminal wraps them: paragraphs are joined into one line each first.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

_LINE_BREAK_INSIDE_PARAGRAPH = re.compile(r"(?<=\S)[ \t]*\n[ \t]*(?=\S)")


def unwrap_paragraphs(text: str) -> str:
    """Join the lines of each paragraph; blank lines still separate paragraphs."""
    return _LINE_BREAK_INSIDE_PARAGRAPH.sub(" ", text)


def _flags_without_placeholder(params: list[Any]) -> list[Any]:
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class SyncdCommand(TyperCommand):
    """A subcommand whose flags show no value placeholder and whose help wraps cleanly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.help:
            self.help = unwrap_paragraphs(self.help)

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_placeholder(super().get_params(ctx))


class SyncdGroup(TyperGroup):
    """The ``syncd`` group, whose ``--help`` and ``--version`` show no value placeholder."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _flags_without_placeholder(super().get_params(ctx))
