"""``syncd check``: validate the configuration; --online also reads sources and checks trackers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from syncd.cli import streams
from syncd.cli.command_setup import EXIT_FAILED, clock_or_exit, load_or_exit
from syncd.cli.options import ConfigOption
from syncd.config.loader import LoadedConfig
from syncd.output.logs import get_logger

OnlineOption = Annotated[
    bool,
    typer.Option(
        "--online", help="Also read every source and check each tracker with its credentials."
    ),
]


def check(config: ConfigOption = Path("config"), online: OnlineOption = False) -> None:
    """Validate the configuration; --online also reads every source and checks each tracker.

    The tracker is checked with the team's credentials (Jira: the account, that the URL is a
    Jira, the project and a search; GitHub: that api_url answers as a GitHub API, the
    repository and what the token may do). Chat webhooks cannot be checked without
    posting to them: preview the digest with syncd digest --dry-run.
    """
    loaded = load_or_exit(config)
    elsewhere = loaded.teams_dir not in (None, loaded.root / "teams")
    where = f"{loaded.root} (team files in {loaded.teams_dir})" if elsewhere else loaded.root
    streams.consoles.out.print(f"configuration OK: {len(loaded.teams)} team(s) in {where}")
    for team in loaded.teams:
        cfg = team.config
        streams.consoles.out.print(
            f"  {cfg.team}: {len(cfg.sources)} source(s), tracker {cfg.tracker.type}, "
            f"{len(cfg.digest.channels)} chat channel(s), {len(cfg.people)} people"
        )
    if not online:
        return
    failed = False
    now = clock_or_exit()()
    for team in loaded.teams:
        sources_failed = _check_sources(loaded, team, now)
        tracker_failed = _check_tracker(team, now)
        failed = failed or sources_failed or tracker_failed
        streams.consoles.out.print(
            f"  [yellow]not checked[/] {team.config.team} chat channels: a webhook cannot be "
            "checked without posting to it; `syncd digest --dry-run` previews the digest"
        )
    if failed:
        raise typer.Exit(EXIT_FAILED)


def _check_sources(loaded: LoadedConfig, team: Any, now: datetime) -> bool:
    """Read each of a team's sources; True when one could not be read."""
    from syncd.cycle.read_sources import read_source

    failed = False
    for source in team.config.sources:
        outcome = read_source(
            team=team.config.team,
            name=source.name,
            type_=source.type,
            settings=source.settings,
            config_dir=team.dir,
            cache_dir=loaded.service.state_dir / "cache",
            now=now,
        )
        if outcome.ok:
            streams.consoles.out.print(
                f"  [green]ok[/] {team.config.team}/{source.name}: "
                f"{len(outcome.documents)} document(s) readable, "
                f"{len(outcome.failures)} skipped"
            )
        else:
            failed = True
            streams.consoles.out.print(
                f"  [red]failed[/] {team.config.team}/{source.name}: {outcome.error}"
            )
    return failed


def _check_tracker(team: Any, now: datetime) -> bool:
    """Check a team's tracker with its credentials; True when the check failed."""
    from syncd.cycle.tracker_errors import tracker_failure
    from syncd.cycle.tracker_stage import Unopened, open_tracker
    from syncd.http import HttpError
    from syncd.tracker import CheckableTracker

    name = f"{team.config.team} tracker ({team.config.tracker.type})"
    tracker = open_tracker(team, now=now, mirroring=False)
    if isinstance(tracker, Unopened):
        streams.consoles.out.print(
            f"  [red]failed[/] {name}: {', '.join(tracker.missing)} is empty"
        )
        return True
    try:
        if not isinstance(tracker, CheckableTracker):
            streams.consoles.out.print(
                f"  [yellow]not checked[/] {name}: the connector has no check"
            )
            return False
        streams.consoles.out.print(f"  [green]ok[/] {name}: {escape(tracker.check())}")
        return False
    except HttpError as exc:
        streams.consoles.out.print(f"  [red]failed[/] {name}: {escape(tracker_failure(exc))}")
        return True
    except Exception as exc:  # one team's check never stops the others', nor shows a traceback
        get_logger(team=team.config.team).error("check.tracker_failed", error=type(exc).__name__)
        streams.consoles.out.print(
            f"  [red]failed[/] {name}: the check stopped on an unexpected "
            f"{type(exc).__name__}; please report it with the tracker's answer"
        )
        return True
    finally:
        tracker.close()
