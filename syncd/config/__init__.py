"""Configuration: service settings, team files, ``${VAR}`` interpolation, errors, JSON Schema.

The CLI calls ``load_config(path, env=os.environ)`` and reports ``LoadedConfig.errors``.
"""

from __future__ import annotations

from syncd.config.errors import ENVIRONMENT, ConfigError
from syncd.config.loader import LoadedConfig, LoadedTeam, config_root_of, load_config
from syncd.config.models import (
    ChannelConfig,
    DigestConfig,
    DueDays,
    PersonConfig,
    Policy,
    SourceConfig,
    TeamConfig,
    TrackerConfig,
)
from syncd.config.schema import team_file_schema, write_schema
from syncd.config.service import ServiceSettings

__all__ = [
    "ENVIRONMENT",
    "ChannelConfig",
    "ConfigError",
    "DigestConfig",
    "DueDays",
    "LoadedConfig",
    "LoadedTeam",
    "PersonConfig",
    "Policy",
    "ServiceSettings",
    "SourceConfig",
    "TeamConfig",
    "TrackerConfig",
    "config_root_of",
    "load_config",
    "team_file_schema",
    "write_schema",
]
