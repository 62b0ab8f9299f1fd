"""``syncd schema``: the JSON Schema of a team file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from syncd.cli import streams
from syncd.cli.command_setup import EXIT_CONFIG
from syncd.config.schema import team_file_schema

OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead of stdout."),
]


def schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of a team file (for editors and CI validation)."""
    text = json.dumps(team_file_schema(), indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        streams.consoles.err.print(f"error: cannot write {output}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_CONFIG) from None
