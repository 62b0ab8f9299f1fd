"""The configuration's files: their names under the config root, reading them, and their
errors placed on the lines of their keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from syncd.config.bounds import apply_bounds
from syncd.config.errors import ConfigError, KeyPath, describe, error_location, format_key_path
from syncd.config.interpolate import interpolate
from syncd.config.yaml_reader import YamlDocument, read_yaml

SERVICE_FILE = "syncd.yaml"
PEOPLE_FILE = "people.yaml"
TEAMS_DIR = "teams"
TEAM_FILE_SUFFIXES = (".yaml", ".yml")


@dataclass
class ConfigFiles:
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
class Located:
    """Errors of one file, placed on the lines of its keys."""

    files: ConfigFiles
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
class Expanded:
    """A file's data with ``${VAR}`` expanded and values over the shared limits replaced."""

    data: Any
    from_environment: frozenset[KeyPath]
    failed: frozenset[KeyPath]  # reported already: validation errors under these are not


def expand(located: Located, data: Any, env: Mapping[str, str]) -> Expanded:
    tree = interpolate(data, env)
    bounded = apply_bounds(tree.data)
    for path, message in (*tree.problems, *bounded.problems):
        located.error(path, message)
    failed = tree.failed | bounded.failed | located.document.failed
    return Expanded(bounded.data, tree.from_environment, failed)


def under(path: KeyPath, roots: frozenset[KeyPath]) -> bool:
    return any(path[: len(root)] == root for root in roots)
