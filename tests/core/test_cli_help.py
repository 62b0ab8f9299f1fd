"""Every ``--help`` says what the README says, with flags written as they are typed.

Rendered at a fixed terminal width (``COLUMNS=100``), as a person reads them.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from syncd.cli import bench
from syncd.cli.app import app

README = Path(__file__).resolve().parents[2] / "README.md"
WIDTH = {"COLUMNS": "100"}
GROUP = typer.main.get_command(app)
COMMANDS: dict[str, Any] = dict(GROUP.commands)  # type: ignore[attr-defined]
# A README usage option: [--team NAME], [--dry-run], [-o FILE]
README_OPTION = re.compile(r"\[(-{1,2}[\w-]+)(?: ([A-Z]+))?\]")


def rendered_help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=WIDTH)
    assert result.exit_code == 0, result.output
    text: str = result.stdout
    return text


def readme_usages() -> dict[str, str]:
    """Command → its usage in the README's Commands table (``syncd sync [--config PATH] …``)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Commands") :]
    rows = re.findall(r"^\| `syncd (\w+)([^`]*)` \|", table, flags=re.MULTILINE)
    return {name: usage for name, usage in rows}


def test_the_readme_lists_every_command_and_no_other() -> None:
    assert set(readme_usages()) == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_usage_in_the_readme_matches_the_commands_options(name: str) -> None:
    params = COMMANDS[name].params
    written = dict(README_OPTION.findall(readme_usages()[name]))
    named = {}
    for option, placeholder in written.items():
        param = next((p for p in params if option in p.opts), None)
        assert param is not None, f"README: syncd {name} {option}, unknown to the command"
        assert ("" if param.is_flag else param.metavar) == placeholder, f"syncd {name} {option}"
        named[param.name] = option
    assert set(named) == {p.name for p in params}, f"syncd {name}: options the README leaves out"


def _long(names: list[str]) -> str:
    return next((n for n in names if n.startswith("--")), names[0])


@pytest.mark.parametrize("args", [(), *[(name,) for name in sorted(COMMANDS)]])
def test_no_help_shows_a_type_placeholder(args: tuple[str, ...]) -> None:
    text = rendered_help(*args)
    assert not re.search(r"<\w+>", text), text  # <bool>, <str>, <path>, <int>


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_option_is_shown_as_it_is_typed(name: str) -> None:
    text = rendered_help(name)
    for param in COMMANDS[name].params:
        long = _long(param.opts)
        shorts = [o for o in param.opts if not o.startswith("--")]
        help_start = re.escape(param.help.split()[0])
        shown = r"\s+".join(
            [re.escape(long), *map(re.escape, shorts)]
            + ([] if param.is_flag else [re.escape(param.metavar)])
        )
        # The option, its short form, its placeholder when it takes a value, then its help.
        assert re.search(rf"│ {shown}\s+{help_start}", text), f"syncd {name} {long}:\n{text}"


def test_the_top_level_help_lists_the_commands_flags_and_exit_status() -> None:
    text = rendered_help()
    assert re.search(r"│ --version\s+Show the version", text)
    assert re.search(r"│ --help\s+-h\s+Show this message", text)
    for name in COMMANDS:
        assert re.search(rf"│ {name}\s+\w", text)
    assert "Exit status: 0 all good" in " ".join(text.split())


@pytest.mark.parametrize(
    ("name", "says"),
    [
        (
            "check",
            [
                "--online also reads every source and checks each tracker",
                "credentials",
                "api_url answers as a GitHub API",
            ],
        ),
        ("sync", ["mirror into the tracker", "mirroring n of m", "waiting for a rate limit"]),
        ("status", ["open, done", "orphaned", "totals"]),
        ("digest", ["once per slot and channel", "--force", "--dry-run prints"]),
        ("run", ["sync_interval", "/healthz, /readyz", "/metrics"]),
        ("schema", ["JSON Schema of a team file"]),
    ],
)
def test_each_command_says_what_the_readme_says_it_does(name: str, says: list[str]) -> None:
    text = " ".join(rendered_help(name).replace("│", " ").split())
    for words in says:
        assert words in text, f"syncd {name} --help does not say {words!r}"


def test_digest_format_without_dry_run_posts_nothing_and_says_why(tmp_path: Path) -> None:
    config = Path(__file__).resolve().parents[2] / "config"
    result = CliRunner().invoke(
        app,
        ["digest", "--config", str(config), "--format", "slack"],
        env={"SYNCD_STATE_DIR": str(tmp_path / "state")},
    )
    assert result.exit_code == 2
    assert "--format slack previews a payload: add --dry-run" in result.stderr
    assert not (tmp_path / "state").exists()  # nothing was opened, let alone posted


def test_syncd_bench_help_matches_the_readme(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = README.read_text(encoding="utf-8")
    assert "`syncd-bench extract [--documents N]`" in text
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr("sys.argv", ["syncd-bench", "extract", "--help"])
    with pytest.raises(SystemExit) as done:
        bench.main()
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert "usage: syncd-bench extract [-h] [--documents N]" in shown
    assert re.search(r"--documents N\s+how many postmortems to generate \(default: 2000\)", shown)


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_syncd_bench_refuses_a_count_that_is_not_positive(
    value: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.argv", ["syncd-bench", "extract", "--documents", value])
    with pytest.raises(SystemExit) as done:
        bench.main()
    assert done.value.code == 2
    assert "argument --documents" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_dash_h_is_help_too(name: str) -> None:
    args = [name, "-h"] if name else ["-h"]
    result = CliRunner().invoke(app, args, env=WIDTH)
    assert result.exit_code == 0, result.output
    assert result.stdout == rendered_help(*([name] if name else []))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_paragraphs_wrap_at_the_terminal_not_at_the_docstrings_line_ends(name: str) -> None:
    """A docstring line break inside a paragraph left a short ragged line in the help."""
    text = rendered_help(name)
    body = text[text.index("Usage:") : text.index("╭")]
    lines = [line.rstrip() for line in body.splitlines()[2:]]
    for line, following in itertools.pairwise(lines):
        if line and following:  # inside a paragraph, each line is filled before the next starts
            first_word = following.split()[0]
            assert len(line) + 1 + len(first_word) > 100 - 2, (line, following)


def test_team_followed_by_another_option_is_refused_with_words() -> None:
    result = CliRunner().invoke(app, ["status", "--team", "--json"], env=WIDTH)
    assert result.exit_code == 2
    assert "needs a team name, got the option '--json'" in " ".join(result.stderr.split())


def test_schema_to_a_folder_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "team.schema.json"
    result = CliRunner().invoke(app, ["schema", "-o", str(target)], env=WIDTH)
    assert result.exit_code == 2
    assert f"cannot write {target}" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
