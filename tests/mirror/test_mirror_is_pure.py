"""The mirror core stays pure: the standard library, the domain model and itself, nothing else.

The project's import-linter contract lists pure modules by name; this test holds the line for
``syncd.mirror`` on its own, so no HTTP, database, configuration or clock can creep in.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import syncd.mirror

MIRROR_DIR = Path(syncd.mirror.__file__).parent
ALLOWED_OWN = ("syncd.model", "syncd.mirror")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.add(node.module)
    return names


def test_the_mirror_imports_only_the_standard_library_and_the_domain_model() -> None:
    sources = sorted(MIRROR_DIR.glob("*.py"))
    assert {path.name for path in sources} >= {"model.py", "operations.py", "planner.py"}
    offending = {
        f"{path.name}: {name}"
        for path in sources
        for name in _imports(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not any(name == own or name.startswith(own + ".") for own in ALLOWED_OWN)
    }
    assert offending == set()


def test_the_mirror_never_reads_the_clock() -> None:
    for path in MIRROR_DIR.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in ("datetime.now", "date.today", "time.time(", "utcnow"):
            assert call not in text, f"{path.name} calls {call}"
