"""Service-wide settings: ``SYNCD_*`` environment variables over ``syncd.yaml`` over defaults.

The environment is passed in as a mapping (the CLI passes ``os.environ``), so loading is
repeatable in tests and never depends on the process that happens to run it. An empty
``SYNCD_*`` variable counts as unset, as with ``${VAR:-}`` in compose files.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from syncd.config.duration import format_duration, parse_duration
from syncd.config.errors import without_inputs
from syncd.limits import MAX_SYNC_INTERVAL, MIN_SYNC_INTERVAL

ENV_PREFIX = "SYNCD_"
# Settings that are paths: ``~`` is expanded with the HOME of the given environment.
PATH_FIELDS = frozenset({"state_dir", "teams_dir"})
_DATABASE_SCHEMES = ("sqlite", "postgresql")
MAX_WEBHOOK_DEBOUNCE = timedelta(minutes=1)

LogLevel = Literal["debug", "info", "warning", "error"]
LogFormat = Literal["console", "json"]


def env_var(field_name: str) -> str:
    """The environment variable of a service setting: ``http_port`` -> ``SYNCD_HTTP_PORT``."""
    return ENV_PREFIX + field_name.upper()


def expand_home(value: str, env: Mapping[str, str]) -> str:
    """``~`` and ``~/x`` with the HOME of ``env`` (not of this process)."""
    if value == "~" or value.startswith("~/"):
        home = env.get("HOME") or str(Path.home())
        return home + value[1:]
    return value


def default_state_dir(env: Mapping[str, str]) -> Path:
    """``$XDG_STATE_HOME/syncd``, else ``~/.local/state/syncd`` (XDG Base Directory spec)."""
    xdg = env.get("XDG_STATE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the spec says to ignore relative values
        return Path(xdg) / "syncd"
    return Path(expand_home("~/.local/state/syncd", env))


class _EnvMappingSource(PydanticBaseSettingsSource):
    """``SYNCD_<FIELD>`` from a given mapping; empty values count as unset."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        value = self._env.get(env_var(field_name)) or None
        if value is not None and field_name in PATH_FIELDS:
            value = expand_home(value, self._env)
        return value, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                values[key] = value
        return values


class _DerivedDefaultsSource(PydanticBaseSettingsSource):
    """Defaults that depend on the environment (the XDG state directory)."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._env = env

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name == "state_dir":
            return default_state_dir(self._env), field_name, False
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return {"state_dir": default_state_dir(self._env)}


class ServiceSettings(BaseSettings):
    """Settings of the syncd process itself (CONTRACT §3, "Service settings")."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

    state_dir: Path = Field(
        description=(
            "Where syncd keeps its state (the default SQLite database, clones, caches). "
            "Default: $XDG_STATE_HOME/syncd or ~/.local/state/syncd."
        )
    )
    # repr=False: a PostgreSQL URL may carry a password; `database_url_redacted` is for logs.
    database_url: str = Field(
        repr=False,
        description=(
            "SQLAlchemy URL of the state store: sqlite:///PATH (default: state.db in state_dir) "
            "or postgresql://USER@HOST/DB for several replicas."
        ),
    )
    log_format: LogFormat | None = Field(
        None, description="console or json; unset: console on a terminal, else json."
    )
    log_level: LogLevel = Field("info", description="debug, info, warning or error.")
    teams_dir: Path | None = Field(
        None,
        description=(
            "The directory of the team files (one *.yaml per team). Default: teams/ in the "
            "config directory. In syncd.yaml, a relative path is relative to the config "
            "directory. Lets the team files come from a volume of their own (a Kubernetes "
            "ConfigMap), so that a new team is one new file."
        ),
    )
    http_port: int = Field(
        8080, ge=1, le=65535, description="Port of /healthz, /readyz and /metrics."
    )
    sync_interval: timedelta = Field(
        timedelta(minutes=10),
        description=(
            "Time between syncs of a team: 10m, 90s, 1h30m or seconds; at least 30s, at most 7d."
        ),
    )
    team_lock_wait: timedelta = Field(
        timedelta(seconds=5),
        description=(
            "How long a command that writes (sync, digest, a cycle of run) waits for a team "
            "another syncd process is writing, before it reports who holds it and leaves that "
            "team (exit 1): 5s, 1m or seconds; 0 does not wait."
        ),
    )
    status_trusted_header: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9-]+$",
        description=(
            "A request header (e.g. X-Forwarded-User) that a reverse proxy sets after it "
            "authenticated the person: a request carrying it may see the status page. Honoured "
            "only when set; safe only when nothing but the proxy can reach http_port."
        ),
    )

    webhook_debounce: timedelta = Field(
        timedelta(seconds=2),
        description=(
            "How long a team's sync waits after the first webhook event of a burst, so that "
            "the burst becomes one sync: 2s, 30s or seconds; 0 to 1m."
        ),
    )
    webhook_queue_limit: int = Field(
        100,
        ge=1,
        le=100_000,
        description=(
            "Webhook events kept pending per team; beyond it an event is dropped (counted): "
            "the team's sync is pending already, and polling catches up."
        ),
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Plain `ServiceSettings()` reads this process's environment; the loader uses
        # `from_sources` with the mapping it was given.
        return (
            init_settings,
            _EnvMappingSource(settings_cls, os.environ),
            _DerivedDefaultsSource(settings_cls, os.environ),
        )

    @classmethod
    def from_sources(
        cls, *, env: Mapping[str, str], file_values: Mapping[str, Any]
    ) -> ServiceSettings:
        """Build from ``env`` (``SYNCD_*``) over ``file_values`` (syncd.yaml) over defaults.

        Raises ``pydantic.ValidationError`` (without the input values, which may be secrets);
        ``loc[0]`` of each error is the field name.
        """
        sources: tuple[PydanticBaseSettingsSource, ...] = (
            _EnvMappingSource(cls, env),
            InitSettingsSource(cls, init_kwargs=dict(file_values)),
            _DerivedDefaultsSource(cls, env),
        )
        try:
            return cls(_build_sources=(sources, {}))
        except ValidationError as exc:
            raise without_inputs(exc) from None

    @property
    def database_url_redacted(self) -> str:
        """The database URL with any password replaced by ``***``, for logs and status pages."""
        return redact_url_password(self.database_url)

    @model_validator(mode="before")
    @classmethod
    def _default_database_url(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and not data.get("database_url"):
            state_dir = data.get("state_dir")
            if isinstance(state_dir, str | Path):
                path = Path(state_dir).absolute() / "state.db"
                return {**data, "database_url": f"sqlite:///{path.as_posix()}"}
        return data

    @field_validator("state_dir")
    @classmethod
    def _absolute_state_dir(cls, value: Path) -> Path:
        return value.absolute()

    @field_validator("teams_dir")
    @classmethod
    def _absolute_teams_dir(cls, value: Path | None) -> Path | None:
        return None if value is None else value.absolute()

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        base, _, _driver = scheme.partition("+")
        if base == "postgres":  # Heroku-style alias; SQLAlchemy only knows "postgresql"
            value = "postgresql" + value[len(base) :]
            base = "postgresql"
        if base not in _DATABASE_SCHEMES:
            raise ValueError(
                "must be an SQLAlchemy URL: sqlite:///PATH or postgresql://USER@HOST/DATABASE"
            )
        return value

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("sync_interval", "team_lock_wait", "webhook_debounce", mode="before")
    @classmethod
    def _parse_interval(cls, value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return parse_duration(value)
        return value

    @field_validator("sync_interval")
    @classmethod
    def _minimum_interval(cls, value: timedelta) -> timedelta:
        if value < MIN_SYNC_INTERVAL:
            raise ValueError("must be at least 30s (trackers rate-limit frequent polling)")
        if value > MAX_SYNC_INTERVAL:
            raise ValueError(
                f"must be at most {format_duration(MAX_SYNC_INTERVAL)}: items would go "
                "unmirrored for longer than anyone waits"
            )
        return value

    @field_validator("webhook_debounce")
    @classmethod
    def _short_debounce(cls, value: timedelta) -> timedelta:
        if not timedelta(0) <= value <= MAX_WEBHOOK_DEBOUNCE:
            raise ValueError(
                "must be between 0s and 1m: a webhook's sync should follow within seconds"
            )
        return value

    @field_validator("team_lock_wait")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("must not be negative")
        return value


def redact_url_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if parts.port is not None:
        host += f":{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
