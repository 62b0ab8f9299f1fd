"""Caches the xdist controller warms before its workers start: the test modules' rewritten
asserts (below) and syncd's own bytecode (``write_bytecode``).

Each worker imports every test module, and pytest rewrites the asserts of each (parsing and
compiling some 400 files: 7 to 10 CPU-seconds a worker on two cores). pytest keeps the result in
``__pycache__`` and every worker reads it from there, but on a fresh clone the workers all start
at once and each rewrites everything itself; under ``PYTHONDONTWRITEBYTECODE`` nothing is kept at
all. So the controller writes the cache first, whatever that variable says (the cache is
pytest's own, named for its version, and rewritten whenever a file changes).

This leans on pytest's internals; if they change, it does nothing and the workers rewrite as
before.
"""

from __future__ import annotations

import compileall
import fnmatch
from pathlib import Path

import pytest


def write_rewrite_cache(config: pytest.Config, root: Path) -> int:
    """Rewrite and cache each test module and conftest under ``root``; how many were written."""
    try:
        from _pytest.assertion import rewrite
        from _pytest.assertion.rewrite import assertstate_key
    except ImportError:
        return 0
    if config.getoption("assertmode", "rewrite") != "rewrite":
        return 0
    patterns = [*config.getini("python_files"), "conftest.py"]
    written = 0
    try:
        state = config.stash[assertstate_key]
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" in path.parts or not any(
                fnmatch.fnmatch(path.name, p) for p in patterns
            ):
                continue
            cache_dir = rewrite.get_cache_dir(path)
            pyc = cache_dir / (path.name[:-3] + rewrite.PYC_TAIL)
            if rewrite._read_pyc(path, pyc, state.trace) is not None:
                continue
            if not rewrite.try_makedirs(cache_dir):
                return written
            source_hash, code = rewrite._rewrite_test(path, config)
            rewrite._write_pyc(state, code, source_hash, pyc)
            written += 1
    except (AttributeError, TypeError, KeyError, OSError, SyntaxError):
        return written  # pytest's internals moved, or a file cannot be compiled: pytest says so
    return written


def write_bytecode(root: Path) -> None:
    """syncd's own bytecode, written once: the suite starts hundreds of interpreters (extraction
    workers, the zygotes, the any-day runs), and under ``PYTHONDONTWRITEBYTECODE`` on a fresh
    clone each compiled syncd from source again (0.1-0.2 CPU-seconds a process)."""
    for package in ("syncd", "connectors"):
        compileall.compile_dir(root / package, quiet=2, workers=1)
