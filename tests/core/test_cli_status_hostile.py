"""``syncd status --owner/--service`` given nothing to narrow by: an error, never an empty list
that reads as "nobody holds anything" (``--owner "$USER"`` with the variable unset, or
``--owner --json`` taking the next option as the name)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from tests.core.test_cli_status import every_state  # noqa: F401  (a fixture)


@pytest.mark.parametrize(
    "narrowing",
    [("--owner", ""), ("--owner", "  "), ("--owner", "@"), ("--service", ""), ("--owner",)],
)
def test_a_blank_or_missing_name_is_refused(
    every_state: tuple[dict[str, str], str],  # noqa: F811
    narrowing: tuple[str, ...],
) -> None:
    env, config = every_state
    args = ["status", "--config", config, *narrowing, "--json"]
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "needs a name" in result.output
