"""Judging and the digest stay pure: the standard library, the domain model, the resolver's
pure helpers and themselves; no HTTP, database, configuration or clock."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import syncd.digest
import syncd.judge

ALLOWED_OWN = ("syncd.model", "syncd.mirror.model", "syncd.resolve", "syncd.judge", "syncd.digest")
PACKAGES = [Path(syncd.judge.__file__).parent, Path(syncd.digest.__file__).parent]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_imports_only_the_standard_library_and_pure_core(package: Path) -> None:
    sources = sorted(package.glob("*.py"))
    assert len(sources) >= 5
    offending = {
        f"{path.name}: {name}"
        for path in sources
        for name in _imports(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not any(name == own or name.startswith(own + ".") for own in ALLOWED_OWN)
    }
    assert offending == set()


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_never_reads_the_clock(package: Path) -> None:
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now", "date.today", "time.time(", "utcnow", "time.monotonic"):
            assert call not in text, f"{path.name} calls {call}"
