"""The standards the project holds itself to, checked on every test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = BIN / tool
    command = [str(exe)] if exe.exists() else [shutil.which(tool) or tool]
    return subprocess.run(
        [*command, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=600
    )


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "syncd", "connectors", "tests")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean() -> None:
    done = _run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr


def test_layering_contracts_hold() -> None:
    done = _run("lint-imports")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" not in done.stdout.lower().replace("0 broken", "")
