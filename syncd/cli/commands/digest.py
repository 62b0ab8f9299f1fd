"""``syncd digest``: post the digest of the current slot, or preview it with --dry-run.

What is posted and how lives in ``syncd.cli.digest_command``; this module holds the command's
options and its checks of them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from syncd.cli import streams
from syncd.cli.command_setup import (
    EXIT_CONFIG,
    EXIT_FAILED,
    clock_or_exit,
    load_or_exit,
    open_store_or_exit,
    writers_or_exit,
)
from syncd.cli.options import ConfigOption, TeamOption
from syncd.writers import TeamBusyError

DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the digest instead of posting it.")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Post again even if this slot's digest was posted.")
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="With --dry-run: text, json, or the payload a channel would get: the type of "
        "any installed notifier, as written in a team file's digest.channels.",
        show_default=True,
    ),
]


def digest(
    config: ConfigOption = Path("config"),
    team: TeamOption = None,
    dry_run: DryRunOption = False,
    force: ForceOption = False,
    fmt: FormatOption = "text",
) -> None:
    """Post the digest of the current schedule slot to each channel, once per slot and channel.

    Safe to run from cron: a slot already posted is not posted again (--force posts it again).
    --dry-run prints the digest instead and posts nothing.
    """
    from syncd.cli.digest_command import post_digests, preview_digest

    _check_format(fmt, dry_run=dry_run)
    loaded = load_or_exit(config, team)
    store = open_store_or_exit(loaded, readonly=dry_run)
    now = clock_or_exit()()
    failed = False
    writers = None if dry_run else writers_or_exit(loaded, store, "digest")
    try:
        for loaded_team in loaded.teams:
            if team is not None and loaded_team.config.team != team:
                continue
            if writers is None:
                sys.stdout.write(preview_digest(loaded_team, store, now=now, fmt=fmt))
                continue
            try:  # posting and recording it: one writer per team, as for sync
                with writers.team(loaded_team.config.team, streams.consoles.err):
                    failed |= not post_digests(
                        loaded_team, store, now=now, force=force, console=streams.consoles.out
                    )
            except TeamBusyError:
                failed = True
    finally:
        store.close()
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _check_format(fmt: str, *, dry_run: bool) -> None:
    from syncd.cli.digest_command import digest_formats

    formats = digest_formats()
    if fmt not in formats:
        streams.consoles.err.print(f"[red]error:[/] --format must be one of {', '.join(formats)}")
        raise typer.Exit(EXIT_CONFIG)
    if fmt != "text" and not dry_run:
        # Whoever asks for a payload wants to see it: posting it to the channels instead
        # would be the surprise nobody can take back.
        streams.consoles.err.print(
            f"[red]error:[/] --format {fmt} previews a payload: add --dry-run (nothing was posted)"
        )
        raise typer.Exit(EXIT_CONFIG)
