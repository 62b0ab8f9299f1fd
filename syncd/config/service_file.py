"""The service settings: ``syncd.yaml`` under the ``SYNCD_*`` environment variables, and the
defaults to fall back on when they are broken."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from syncd.config.config_files import SERVICE_FILE, ConfigFiles, Located, expand, under
from syncd.config.errors import ENVIRONMENT, ConfigError, KeyPath, describe, error_location
from syncd.config.keys import allowed_keys
from syncd.config.service import PATH_FIELDS, ServiceSettings, env_var, expand_home
from syncd.config.yaml_reader import YamlDocument


def fallback_service(
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


def load_service(
    files: ConfigFiles, env: Mapping[str, str]
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
            located = Located(files, file, document)
            if not isinstance(document.data, dict):
                located.error((), "syncd.yaml must be a mapping of settings (key: value)")
            else:
                tree = expand(located, document.data, env)
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
            elif not under(loc, failed):
                line = document.line_of(loc) if document is not None else None
                files.error(file, line, loc, message)
        return fallback_service(env, values), document
    if len(files.errors) > before:
        return fallback_service(env, values), document
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
    located: Located, values: Mapping[str, Any], from_environment: frozenset[KeyPath]
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
