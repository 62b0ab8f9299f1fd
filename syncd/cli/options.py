"""The options several commands share, declared once so that each reads the same in --help."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ConfigOption = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        metavar="PATH",
        envvar="SYNCD_CONFIG",
        help="A config directory (syncd.yaml, people.yaml, teams/) or one team file; "
        "default ./config.",
        show_default=False,
    ),
]


def _team_name(value: str | None) -> str | None:
    # `--team --json` would otherwise read "--json" as the team's name.
    if value is not None and value.startswith("-"):
        raise typer.BadParameter(f"needs a team name, got the option {value!r}")
    return value


TeamOption = Annotated[
    str | None,
    typer.Option(
        "--team",
        "-t",
        metavar="NAME",
        help="Only this team (its team: name).",
        callback=_team_name,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead of tables.")
]
