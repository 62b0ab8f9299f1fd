"""One team file: read, migrated, merged with the shared people and validated; its secrets
refused in plain text; team names unique across files."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from syncd.config.config_files import ConfigFiles, Located, expand, under
from syncd.config.errors import KeyPath
from syncd.config.keys import allowed_keys
from syncd.config.models import TeamConfig
from syncd.config.secret_fields import secret_paths
from syncd.config.team_versions import VersionError, migrate_team_file
from syncd.plugins import ConnectorKind, UnknownConnector, settings_model


@dataclass(frozen=True)
class LoadedTeam:
    config: TeamConfig  # validated; connector blocks hold their connectors' Settings instances
    file: Path  # the team file (absolute)

    @property
    def dir(self) -> Path:
        """Relative paths in the team file are relative to this directory."""
        return self.file.parent


def load_team(
    files: ConfigFiles, file: Path, env: Mapping[str, str], shared_people: Mapping[str, Any]
) -> tuple[LoadedTeam, int | None] | None:
    before = len(files.errors)
    document = files.read(file)
    if document is None:
        return None
    located = Located(files, file, document)
    if not isinstance(document.data, dict):
        located.error(
            (),
            "a team file is a mapping with at least team, sources and tracker"
            if document.data is None
            else "a team file must be a mapping (key: value), not a list or a single value",
        )
        return None
    tree = expand(located, document.data, env)
    try:
        migrated = migrate_team_file(tree.data)
    except VersionError as exc:
        located.error(("version",), str(exc))
        return None
    data = migrated.data
    own_people = data.get("people")
    if own_people is None or isinstance(own_people, dict):
        own = own_people or {}
        # Team entries last, so a collision between a shared and a team person is reported on
        # the team's line. Shared entries with errors of their own were left out of
        # `shared_people`: an error on a shared person here comes from this team's additions.
        merged = {key: value for key, value in shared_people.items() if key not in own}
        merged.update(own)
        data["people"] = merged
    try:
        config = TeamConfig.model_validate(data)
    except ValidationError as exc:
        located.validation_errors(
            exc,
            lambda p: allowed_keys(TeamConfig, p),
            skip=lambda path: under(path, tree.failed),
        )
        config = None
    _check_plain_text_secrets(located, data, tree.from_environment)
    if config is None and len(files.errors) == before:
        located.error((), "could not be validated")  # unreachable unless an error was lost
    if config is None or len(files.errors) > before:
        return None
    return LoadedTeam(config=config, file=file), document.lines.get(("team",))


def _connector_blocks(data: Mapping[str, Any]) -> list[tuple[ConnectorKind, KeyPath, Any]]:
    blocks: list[tuple[ConnectorKind, KeyPath, Any]] = []
    sources = data.get("sources")
    if isinstance(sources, list):
        blocks.extend(("source", ("sources", i), block) for i, block in enumerate(sources))
    blocks.append(("tracker", ("tracker",), data.get("tracker")))
    digest = data.get("digest")
    channels = digest.get("channels") if isinstance(digest, dict) else None
    if isinstance(channels, list):
        blocks.extend(
            ("notifier", ("digest", "channels", i), block) for i, block in enumerate(channels)
        )
    return blocks


def _check_plain_text_secrets(
    located: Located, data: Mapping[str, Any], from_environment: frozenset[KeyPath]
) -> None:
    for kind, base, block in _connector_blocks(data):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            continue
        try:
            model = settings_model(kind, block["type"])
        except UnknownConnector:
            continue  # reported by validation
        rest = {key: value for key, value in block.items() if key not in ("name", "type")}
        for path in secret_paths(model, rest):
            full = (*base, *path)
            if full not in from_environment:
                example = _example_variable(block["type"], path)
                name = next((str(p) for p in reversed(path) if isinstance(p, str)), "value")
                located.error(
                    full,
                    f'secrets must come from the environment, e.g. {name}: "${{{example}}}"',
                )


def _example_variable(connector_type: str, path: KeyPath) -> str:
    last = next((str(part) for part in reversed(path) if isinstance(part, str)), "secret")
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{connector_type}_{last}").upper().strip("_")


def unique_team_names(
    files: ConfigFiles, loaded: list[tuple[LoadedTeam, int | None]]
) -> list[LoadedTeam]:
    by_name: dict[str, list[tuple[LoadedTeam, int | None]]] = defaultdict(list)
    for team, line in loaded:
        by_name[team.config.team].append((team, line))
    unique: list[LoadedTeam] = []
    for name, entries in by_name.items():
        if len(entries) == 1:
            unique.append(entries[0][0])
            continue
        # which one is meant is unknown: all of them are refused, so no team's items mix
        for team, line in entries:
            others = ", ".join(
                files.display(other.file).as_posix() for other, _ in entries if other is not team
            )
            files.error(
                team.file,
                line,
                "team",
                f"team name {name!r} is also used by {others}; team names must be unique",
            )
    return sorted(unique, key=lambda team: team.file)
