"""``syncd sync --dry-run`` run in-process on a test's config, its state kept beside it."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from syncd.cli.app import app


def dry_run(config: Path, *extra: str, columns: int = 160) -> Result:
    """The finished run (exit status 0 asserted); ``extra``: further options of ``sync``."""
    env = {"SYNCD_STATE_DIR": str(config.parent / "state"), "COLUMNS": str(columns)}
    result = CliRunner().invoke(
        app, ["sync", "--config", str(config), "--dry-run", *extra], env=env
    )
    assert result.exit_code == 0, result.output
    return result
