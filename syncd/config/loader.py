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

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from syncd.config.bounds import apply_bounds
from syncd.config.errors import (
    ENVIRONMENT,
    ConfigError,
    KeyPath,
    describe,
    error_location,
    format_key_path,
)
from syncd.config.interpolate import interpolate
from syncd.config.keys import allowed_keys
from syncd.config.models import PersonConfig, PersonKey, TeamConfig
from syncd.config.people import people_problems
from syncd.config.secret_fields import secret_paths
from syncd.config.service import PATH_FIELDS, ServiceSettings, env_var, expand_home
from syncd.config.team_versions import VersionError, migrate_team_file
from syncd.config.yaml_reader import YamlDocument, read_yaml
from syncd.plugins import ConnectorKind, UnknownConnector, settings_model

SERVICE_FILE = "syncd.yaml"
PEOPLE_FILE = "people.yaml"
TEAMS_DIR = "teams"
TEAM_FILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedTeam:
    config: TeamConfig  # validated; connector blocks hold their connectors' Settings instances
    file: Path  # the team file (absolute)

    @property
    def dir(self) -> Path:
        """Relative paths in the team file are relative to this directory."""
        return self.file.parent


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
            service=_fallback_service(env),
            teams=[],
            errors=[ConfigError(path, None, None, "no such file or directory")],
        )
    files = _Files(root)
    service, service_document = _load_service(files, env)
    shared_people = _load_shared_people(files, env)
    teams_dir = None if path.is_file() else _teams_dir(files, service, env, service_document)
    team_files = [path] if teams_dir is None else _team_files(files, teams_dir)
    loaded = [_load_team(files, file, env, shared_people) for file in team_files]
    teams = _unique_team_names(files, [team for team in loaded if team is not None])
    errors = sorted(files.errors, key=lambda e: (e.file != ENVIRONMENT, str(e.file), e.line or 0))
    return LoadedConfig(
        root=root,
        service=service,
        teams=teams,
        errors=errors,
        teams_dir=None if teams_dir is None else teams_dir.path,
    )


# ---------------------------------------------------------------------------------- helpers


@dataclass
class _Files:
    """The config root, and the errors found so far with their files shown relative to it."""

    root: Path
    errors: list[ConfigError] = field(default_factory=list)

    def display(self, file: Path) -> Path:
        try:
            return file.relative_to(self.root)
        except ValueError:
            return file

    def error(self, file: Path, line: int | None, key: KeyPath | str | None, message: str) -> None:
        text = format_key_path(key) if isinstance(key, tuple) else key
        self.errors.append(ConfigError(self.display(file), line, text or None, message))

    def read(self, file: Path) -> YamlDocument | None:
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            self.error(file, None, None, "cannot read: not UTF-8 text")
            return None
        except OSError as exc:
            self.error(file, None, None, f"cannot read: {exc.strerror or exc}")
            return None
        document, problems = read_yaml(text)
        for problem in problems:
            self.error(file, problem.line, problem.path, problem.message)
        return document


@dataclass(frozen=True)
class _Located:
    """Errors of one file, placed on the lines of its keys."""

    files: _Files
    file: Path
    document: YamlDocument

    def error(self, path: KeyPath, message: str) -> None:
        self.files.error(self.file, self.document.line_of(path), path, message)

    def validation_errors(
        self,
        exc: ValidationError,
        allowed: Callable[[KeyPath], list[str] | None],
        *,
        prefix: KeyPath = (),
        skip: Callable[[KeyPath], bool] = lambda path: False,
    ) -> None:
        for error in exc.errors():
            path = (*prefix, *error_location(error))
            if not skip(path):
                self.error(path, describe(error, lambda p: allowed(p[len(prefix) :])))


@dataclass(frozen=True)
class _Expanded:
    """A file's data with ``${VAR}`` expanded and values over the shared limits replaced."""

    data: Any
    from_environment: frozenset[KeyPath]
    failed: frozenset[KeyPath]  # reported already: validation errors under these are not


def _expand(located: _Located, data: Any, env: Mapping[str, str]) -> _Expanded:
    tree = interpolate(data, env)
    bounded = apply_bounds(tree.data)
    for path, message in (*tree.problems, *bounded.problems):
        located.error(path, message)
    failed = tree.failed | bounded.failed | located.document.failed
    return _Expanded(bounded.data, tree.from_environment, failed)


def _under(path: KeyPath, roots: frozenset[KeyPath]) -> bool:
    return any(path[: len(root)] == root for root in roots)


@dataclass(frozen=True)
class _TeamsDir:
    """The directory of the team files, and where it was set (for errors about it)."""

    path: Path
    set_in: tuple[Path, int | None, str] | None = None  # file, line, key; None: the default

    def error(self, files: _Files, message: str) -> None:
        if self.set_in is None:
            files.error(self.path, None, None, message)
        else:
            file, line, key = self.set_in
            files.error(file, line, key, f"{self.path}: {message}")


def _teams_dir(
    files: _Files, service: ServiceSettings, env: Mapping[str, str], document: YamlDocument | None
) -> _TeamsDir:
    if service.teams_dir is None:
        return _TeamsDir(files.root / TEAMS_DIR)
    variable = env_var("teams_dir")
    if env.get(variable):
        return _TeamsDir(service.teams_dir, (ENVIRONMENT, None, variable))
    line = document.line_of(("teams_dir",)) if document is not None else None
    return _TeamsDir(service.teams_dir, (files.root / SERVICE_FILE, line, "teams_dir"))


def _team_files(files: _Files, teams_dir: _TeamsDir) -> list[Path]:
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


# ---------------------------------------------------------------------------------- service


def _fallback_service(
    env: Mapping[str, str], file_values: Mapping[str, Any] | None = None
) -> ServiceSettings:
    """The defaults, for a configuration whose service settings are broken. ``teams_dir`` is
    kept when it is valid on its own, so the team files are still read (and their errors
    reported) from where they are, not from a ``teams/`` that was never meant."""
    defaults_only = {k: v for k, v in env.items() if not k.startswith("SYNCD_")}
    variable = env_var("teams_dir")
    kept_env = {variable: env[variable]} if env.get(variable) else {}
    kept_file = {k: v for k, v in (file_values or {}).items() if k == "teams_dir"}
    try:
        kept = {**defaults_only, **kept_env}
        return ServiceSettings.from_sources(env=kept, file_values=kept_file)
    except ValidationError:
        return ServiceSettings.from_sources(env=defaults_only, file_values={})


def _load_service(
    files: _Files, env: Mapping[str, str]
) -> tuple[ServiceSettings, YamlDocument | None]:
    """The service settings, and syncd.yaml as read (to place errors about its keys)."""
    file = files.root / SERVICE_FILE
    before = len(files.errors)
    values: dict[str, Any] = {}
    document: YamlDocument | None = None
    failed: frozenset[KeyPath] = frozenset()
    if file.exists():
        document = files.read(file)
        if document is not None and document.data is not None:
            located = _Located(files, file, document)
            if not isinstance(document.data, dict):
                located.error((), "syncd.yaml must be a mapping of settings (key: value)")
            else:
                tree = _expand(located, document.data, env)
                failed = tree.failed
                values = _service_file_values(tree.data, files.root, env)
                _check_database_password(located, values, tree.from_environment)
    try:
        service = ServiceSettings.from_sources(env=env, file_values=values)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error_location(error)
            message = describe(error, lambda p: allowed_keys(ServiceSettings, p))
            name = loc[0] if loc else None
            if (
                isinstance(name, str)
                and name in ServiceSettings.model_fields
                and env.get(env_var(name))
            ):
                files.errors.append(ConfigError(ENVIRONMENT, None, env_var(name), message))
            elif not _under(loc, failed):
                line = document.line_of(loc) if document is not None else None
                files.error(file, line, loc, message)
        return _fallback_service(env, values), document
    if len(files.errors) > before:
        return _fallback_service(env, values), document
    return service, document


def _service_file_values(
    data: dict[str, Any], root: Path, env: Mapping[str, str]
) -> dict[str, Any]:
    values = dict(data)
    for name in PATH_FIELDS:
        value = values.get(name)
        if value == "":
            del values[name]  # an empty value counts as unset, as an empty SYNCD_* variable does
        elif isinstance(value, str):
            # relative to the config root, like every path in the configuration
            values[name] = str(root / expand_home(value, env))
    return values


def _check_database_password(
    located: _Located, values: Mapping[str, Any], from_environment: frozenset[KeyPath]
) -> None:
    url = values.get("database_url")
    if not isinstance(url, str) or ("database_url",) in from_environment:
        return
    try:
        has_password = urlsplit(url).password is not None
    except ValueError:
        return  # malformed; validation reports it
    if has_password:
        located.error(
            ("database_url",),
            "the password must come from the environment, e.g. database_url: "
            '"postgresql://syncd:${SYNCD_DB_PASSWORD}@db.example.com/syncd", '
            "or set SYNCD_DATABASE_URL",
        )


# ----------------------------------------------------------------------------------- people


_PERSON_ENTRY: TypeAdapter[dict[str, PersonConfig]] = TypeAdapter(dict[PersonKey, PersonConfig])


def _load_shared_people(files: _Files, env: Mapping[str, str]) -> dict[str, Any]:
    """The valid entries of people.yaml, as data to merge under each team's ``people:``."""
    file = files.root / PEOPLE_FILE
    if not file.exists():
        return {}
    document = files.read(file)
    if document is None or document.data is None:
        return {}
    located = _Located(files, file, document)
    if not isinstance(document.data, dict):
        located.error((), "people.yaml must be a mapping of person keys to people")
        return {}
    tree = _expand(located, document.data, env)
    valid: dict[str, Any] = {}
    persons: dict[str, PersonConfig] = {}
    for key, raw in tree.data.items():
        try:
            persons.update(_PERSON_ENTRY.validate_python({key: raw}))
        except ValidationError as exc:
            located.validation_errors(
                exc,
                lambda p: allowed_keys(PersonConfig, p[1:]) if p else None,
                skip=lambda path: _under(path, tree.failed),
            )
        else:
            valid[key] = raw
    # people.yaml stands alone: its leads must be people of people.yaml too. An entry with a
    # broken reference is left out, so no team inherits the problem unreported.
    for path, message in people_problems(persons):
        located.error(path, message)
        valid.pop(str(path[0]), None)
    return valid


# ------------------------------------------------------------------------------------ teams


def _load_team(
    files: _Files, file: Path, env: Mapping[str, str], shared_people: Mapping[str, Any]
) -> tuple[LoadedTeam, int | None] | None:
    before = len(files.errors)
    document = files.read(file)
    if document is None:
        return None
    located = _Located(files, file, document)
    if not isinstance(document.data, dict):
        located.error(
            (),
            "a team file is a mapping with at least team, sources and tracker"
            if document.data is None
            else "a team file must be a mapping (key: value), not a list or a single value",
        )
        return None
    tree = _expand(located, document.data, env)
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
            skip=lambda path: _under(path, tree.failed),
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
    located: _Located, data: Mapping[str, Any], from_environment: frozenset[KeyPath]
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


def _unique_team_names(
    files: _Files, loaded: list[tuple[LoadedTeam, int | None]]
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
