"""YAML reading that remembers where every key was written.

PyYAML's ``safe_load`` forgets line numbers and silently keeps the last of two equal keys. Here
the document is composed into nodes first, then built into plain Python data while recording the
line of each key path, so a validation error can point at its line, and duplicate keys are
reported instead of half-applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from syncd.config.errors import KeyPath
from syncd.limits import CONFIG_YAML, YamlLimits
from syncd.yaml_budget import SafeReplay, YamlLimitExceeded, YamlSyntaxError, compose_within

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class YamlProblem:
    line: int | None
    path: KeyPath | None
    message: str


@dataclass(frozen=True)
class YamlDocument:
    """Plain data (dicts, lists, scalars) and the 1-based line of each key path.

    A mapping entry's path points at its key's line, a sequence item's at the item's first line;
    ``()`` is the document itself.
    """

    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    failed: frozenset[KeyPath] = frozenset()  # values reported as unreadable (built as None)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest written ancestor (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def read_yaml(
    text: str, limits: YamlLimits = CONFIG_YAML
) -> tuple[YamlDocument | None, list[YamlProblem]]:
    """Parse one YAML document within ``limits``; ``None`` with the problem when it is not
    valid YAML or is over a limit (``syncd.limits``)."""
    try:
        node, loader = compose_within(text, limits)
    except (YamlSyntaxError, YamlLimitExceeded) as exc:
        return None, [YamlProblem(exc.line, None, exc.message)]
    try:
        if node is None:
            return YamlDocument(None, {(): 1}), []
        builder = _Builder(loader)
        data = builder.build(node, ())
        failed = frozenset(p.path for p in builder.problems if p.path is not None)
        return YamlDocument(data, builder.lines, failed), builder.problems
    finally:
        loader.dispose()


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    def __init__(self, loader: SafeReplay) -> None:
        self._loader = loader
        self._active: set[int] = set()  # nodes being built, to catch recursive aliases
        self.lines: dict[KeyPath, int] = {}
        self.problems: list[YamlProblem] = []

    def build(self, node: Node, path: KeyPath) -> Any:
        self.lines.setdefault(path, _line(node))
        if id(node) in self._active:
            self._problem(node, path, "recursive alias: a node cannot contain itself")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._scalar(node, path)
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: Node, path: KeyPath) -> Any:
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            self._problem(node, path, f"invalid value: {exc.problem}")
            return None
        except (ValueError, OverflowError):
            # a date that does not exist (2026-02-30), a number of thousands of digits
            self._problem(node, path, "invalid value: not a date or number syncd can read")
            return None

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        merged: list[MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(self._merge_sources(value_node, path))
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            key_path = (*path, key)
            if key in first_line:
                self._problem(
                    key_node,
                    key_path,
                    f"duplicate key {str(key)!r} (first on line {first_line[key]}); "
                    "keep one of them",
                )
                continue
            first_line[key] = _line(key_node)
            self.lines[key_path] = _line(key_node)
            result[key] = self.build(value_node, key_path)
        # `<<: *defaults` fills in what the mapping does not set itself (YAML merge keys)
        for source in merged:
            for key_node, value_node in source.value:
                key = self._key(key_node, path)
                if key is None or key in result:
                    continue
                self.lines[(*path, key)] = _line(key_node)
                result[key] = self.build(value_node, (*path, key))
        return result

    def _merge_sources(self, value: Node, path: KeyPath) -> list[MappingNode]:
        if isinstance(value, MappingNode):
            return [value]
        if isinstance(value, SequenceNode) and all(isinstance(v, MappingNode) for v in value.value):
            return list(value.value)
        self._problem(value, path, "a merge key (<<) needs a mapping or a list of mappings")
        return []

    def _key(self, node: Node, path: KeyPath) -> str | None:
        if not isinstance(node, ScalarNode):
            self._problem(node, path, "keys must be plain strings")
            return None
        # Keys are names: `1:` or `yes:` stay the text written, not an int or a boolean.
        return str(node.value)

    def _problem(self, node: Node, path: KeyPath, message: str) -> None:
        self.problems.append(YamlProblem(_line(node), path, message))
