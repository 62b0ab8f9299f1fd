"""The ``syncd`` command line (CONTRACT §2). Results go to stdout, logs and progress to stderr.

Exit status: 0 all good; 1 the run finished but something failed; 2 configuration or usage error.
Each command is a module of ``syncd.cli.commands``; this one puts them together, in the order
``syncd --help`` lists them.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from syncd import __version__
from syncd.cli.commands.check import check
from syncd.cli.commands.digest import digest
from syncd.cli.commands.export import export
from syncd.cli.commands.run import run
from syncd.cli.commands.schema import schema
from syncd.cli.commands.status import status
from syncd.cli.commands.sync import sync
from syncd.cli.help_format import SyncdCommand, SyncdGroup
from syncd.output.redacting_stream import redact_standard_streams

app = typer.Typer(
    name="syncd",
    cls=SyncdGroup,
    help="Mirror postmortem action items into your tracker and report the languishing ones.",
    epilog="Exit status: 0 all good; 1 the run finished but some document, source or team "
    "failed (each is printed); 2 configuration or usage error (nothing was done). "
    "Results go to stdout, logs and progress to stderr.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _command in (check, sync, status, digest, export, run, schema):
    app.command(cls=SyncdCommand)(_command)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"syncd {__version__}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """syncd keeps postmortem action items and their tracker issues in step."""
    redact_standard_streams()


def main() -> None:
    redact_standard_streams()
    app()
