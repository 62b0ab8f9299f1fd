"""The versions of the team file format, and the steps that bring an older file up to date.

A team file says which format it is written in (``version: 1``); a file without the key is
read as version 1, the format of every file written before the key existed. When a release
changes the format, it raises ``TEAM_FILE_VERSION`` and adds the step from the previous
version to ``STEPS``: older files keep loading, each brought forward one version at a time,
and syncd says how to update them. A file newer than this syncd is refused: it may mean
something this syncd would read wrongly.

Pure: plain mappings in, plain mappings out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TEAM_FILE_VERSION = 1
FIRST_VERSION = 1

# STEPS[n] takes a version-n file (its mapping, interpolated) to version n + 1.
Step = Callable[[dict[str, Any]], dict[str, Any]]
STEPS: dict[int, Step] = {}


@dataclass(frozen=True, slots=True)
class Migrated:
    data: dict[str, Any]  # in the current format, ``version`` set to it
    from_version: int  # what the file said (or 1 when it said nothing)


class VersionError(ValueError):
    """``version`` is not a format this syncd reads; the message says what to do."""


def migrate_team_file(
    data: Mapping[str, Any],
    *,
    current: int = TEAM_FILE_VERSION,
    steps: Mapping[int, Step] | None = None,
) -> Migrated:
    """``data`` brought to the ``current`` format; raises :class:`VersionError`."""
    steps = STEPS if steps is None else steps
    declared = data.get("version", FIRST_VERSION)
    if isinstance(declared, bool) or not isinstance(declared, int):
        raise VersionError(f"must be a whole number, the file format's version (now {current})")
    if declared > current:
        raise VersionError(
            f"{declared} is newer than this syncd reads (at most {current}); "
            "upgrade syncd, or write the file in the older format"
        )
    if declared < FIRST_VERSION:
        raise VersionError(f"must be at least {FIRST_VERSION} (the current format is {current})")
    migrated = dict(data)
    for version in range(declared, current):
        step = steps.get(version)
        if step is None:  # a release that raised the version without a step: a bug in syncd
            raise VersionError(f"syncd cannot read version {version} files any more")
        migrated = step(migrated)
    migrated["version"] = current
    return Migrated(migrated, declared)
