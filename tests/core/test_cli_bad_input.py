"""Bad input through the command line: exit 2 with file, line and what to do for configuration,
the document reported and skipped for a postmortem; a traceback never."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_cli_sync import run, write_team

BOMB = (
    "x-a: &a [x, x, x, x, x, x, x, x, x]\n"
    "x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
)
BODY = "# Outage\n\n## Action items\n\n- [ ] Add an alert on queue depth @alice\n"


def test_check_refuses_a_yaml_bomb_with_its_file_and_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    team = write_team(tmp_path / "config", docs=docs, jira="https://jira.example.com")
    team.write_text(team.read_text(encoding="utf-8") + BOMB, encoding="utf-8")
    config = team.parent.parent
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    for command in (["check"], ["sync", "--dry-run"], ["digest", "--dry-run"]):
        result = run(env, *command, "--config", str(config))
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert "teams/payments.yaml:" in result.output
        assert "stands for more than 100,000 values" in result.output
        assert "nothing was done" in result.output


def test_sync_skips_a_document_whose_front_matter_is_a_bomb_and_reads_the_rest(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-03-01-bomb.md").write_text(
        "---\n" + BOMB.replace("x-", "") + "title: *g\n---\n" + BODY, encoding="utf-8"
    )
    (docs / "2026-03-02-fine.md").write_text(BODY, encoding="utf-8")
    team = write_team(tmp_path / "config", docs=docs, jira="https://jira.example.com")
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    result = run(env, "sync", "--dry-run", "--config", str(team.parent.parent))
    assert result.exit_code == 1, result.output  # the run finished, a document failed
    assert "Traceback" not in result.output
    assert "skipped pm:2026-03-01-bomb.md: line 2: anchors (&name) and aliases" in " ".join(
        result.output.split()
    )
    assert "1 items in 1 documents" in result.output
