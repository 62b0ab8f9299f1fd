"""Load a configuration directory (or one team file) into validated settings and a list of errors.

Layout (CONTRACT §3)::

    ROOT/syncd.yaml      optional: service settings, under the SYNCD_* environment variables
    ROOT/people.yaml     optional: people shared by every team
    ROOT/teams/*.yaml    one file per team (also *.yml; hidden files are skipped)

The team files may live elsewhere: the service setting ``teams_dir`` (``SYNCD_TEAMS_DIR``, or
``teams_dir:`` in syncd.yaml, relative to ROOT) names their directory instead of ``ROOT/teams``.
That lets a Kubernetes ConfigMap of team files be mounted whole at a path of its own, so that a
new team is one new key, with no nested mount and no list of teams to keep in step.

When ``path`` is a single team file, its config root is the parent of its directory if that
directory is called ``teams`` (``config/teams/payments.yaml`` -> ``config/``), else the file's own
directory; ``syncd.yaml`` and ``people.yaml`` are used from the root when present.

Errors are collected, never raised: every bad file reports all its errors, and a team file with
errors is left out of ``teams`` while the good teams are still returned. Callers decide what to
do with a partial configuration (``check``/``sync`` stop; ``run`` goes on with the good teams).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from syncd.config.config_files import TEAMS_DIR, ConfigFiles
from syncd.config.errors import ENVIRONMENT, ConfigError
from syncd.config.people_file import load_shared_people
from syncd.config.service import ServiceSettings
from syncd.config.service_file import fallback_service, load_service
from syncd.config.team_file import LoadedTeam, load_team, unique_team_names
from syncd.config.teams_dir import list_team_files, locate_teams_dir

# LoadedTeam is imported from here across syncd.
__all__ = ["LoadedConfig", "LoadedTeam", "config_root_of", "load_config"]


@dataclass(frozen=True)
class LoadedConfig:
    """The outcome of ``load_config``.

    When ``errors`` holds an error of ``syncd.yaml`` or of a ``SYNCD_*`` variable, ``service``
    holds the defaults (and the valid parts of the environment are ignored too): do not start
    the service on it.
    """

    root: Path
    service: ServiceSettings
    teams: list[LoadedTeam]
    errors: list[ConfigError]
    teams_dir: Path | None = None  # where the team files were read; None for one team file

    @property
    def ok(self) -> bool:
        return not self.errors


def config_root_of(team_file: Path) -> Path:
    team_file = team_file.absolute()
    if team_file.parent.name == TEAMS_DIR:
        return team_file.parent.parent
    return team_file.parent


def load_config(path: Path, *, env: Mapping[str, str]) -> LoadedConfig:
    """Read ``path`` (a config directory or one team file); ``${VAR}`` is resolved from ``env``."""
    path = path.absolute()
    if path.is_dir():
        root = path
    elif path.is_file():
        root = config_root_of(path)
    else:
        return LoadedConfig(
            root=path,
            service=fallback_service(env),
            teams=[],
            errors=[ConfigError(path, None, None, "no such file or directory")],
        )
    files = ConfigFiles(root)
    service, service_document = load_service(files, env)
    shared_people = load_shared_people(files, env)
    teams_dir = None if path.is_file() else locate_teams_dir(files, service, env, service_document)
    team_files = [path] if teams_dir is None else list_team_files(files, teams_dir)
    loaded = [load_team(files, file, env, shared_people) for file in team_files]
    teams = unique_team_names(files, [team for team in loaded if team is not None])
    errors = sorted(files.errors, key=lambda e: (e.file != ENVIRONMENT, str(e.file), e.line or 0))
    return LoadedConfig(
        root=root,
        service=service,
        teams=teams,
        errors=errors,
        teams_dir=None if teams_dir is None else teams_dir.path,
    )
