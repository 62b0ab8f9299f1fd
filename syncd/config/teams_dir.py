"""Where the team files are: ``ROOT/teams``, or the directory the service setting ``teams_dir``
names; and the team files in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from syncd.config.config_files import SERVICE_FILE, TEAM_FILE_SUFFIXES, TEAMS_DIR, ConfigFiles
from syncd.config.errors import ENVIRONMENT
from syncd.config.service import ServiceSettings, env_var
from syncd.config.yaml_reader import YamlDocument


@dataclass(frozen=True)
class TeamsDir:
    """The directory of the team files, and where it was set (for errors about it)."""

    path: Path
    set_in: tuple[Path, int | None, str] | None = None  # file, line, key; None: the default

    def error(self, files: ConfigFiles, message: str) -> None:
        if self.set_in is None:
            files.error(self.path, None, None, message)
        else:
            file, line, key = self.set_in
            files.error(file, line, key, f"{self.path}: {message}")


def locate_teams_dir(
    files: ConfigFiles,
    service: ServiceSettings,
    env: Mapping[str, str],
    document: YamlDocument | None,
) -> TeamsDir:
    if service.teams_dir is None:
        return TeamsDir(files.root / TEAMS_DIR)
    variable = env_var("teams_dir")
    if env.get(variable):
        return TeamsDir(service.teams_dir, (ENVIRONMENT, None, variable))
    line = document.line_of(("teams_dir",)) if document is not None else None
    return TeamsDir(service.teams_dir, (files.root / SERVICE_FILE, line, "teams_dir"))


def list_team_files(files: ConfigFiles, teams_dir: TeamsDir) -> list[Path]:
    directory = teams_dir.path
    if not directory.is_dir():
        exists = directory.exists()
        if teams_dir.set_in is None and not exists:
            teams_dir.error(files, "no teams directory: put one YAML file per team in it")
        else:
            teams_dir.error(
                files,
                ("not a directory" if exists else "no such directory")
                + ": the team files' directory holds one YAML file per team",
            )
        return []
    try:
        entries = list(directory.iterdir())
    except OSError as exc:
        teams_dir.error(files, f"cannot read: {exc.strerror or exc}")
        return []
    # Hidden entries are skipped: editor backups, and the `..data` links of a Kubernetes
    # ConfigMap volume (its keys are symbolic links into them, read through is_file()).
    found = sorted(
        entry
        for entry in entries
        if entry.suffix in TEAM_FILE_SUFFIXES and not entry.name.startswith(".") and entry.is_file()
    )
    if not found:
        teams_dir.error(files, "no team files (*.yaml, *.yml) in it")
    return found
