"""``teams_dir`` (``SYNCD_TEAMS_DIR``): the team files may live in a directory of their own."""

from __future__ import annotations

import textwrap
from pathlib import Path

from syncd.config import load_config
from tests.config.config_support import MINIMAL_TEAM, write_config

ENV = {"HOME": "/home/syncd", "JIRA_TOKEN": "t"}


def team_file(name: str) -> str:
    return MINIMAL_TEAM.replace("team: payments", f"team: {name}")


def write_teams(directory: Path, *names: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in names:
        (directory / f"{name}.yaml").write_text(team_file(name), encoding="utf-8")
    return directory


def team_names(root: Path, env: dict[str, str]) -> list[str]:
    return [team.config.team for team in load_config(root, env=env).teams]


def errors(root: Path, env: dict[str, str]) -> list[str]:
    return [str(error) for error in load_config(root, env=env).errors]


def test_the_default_is_teams_under_the_config_directory(tmp_path: Path) -> None:
    write_config(tmp_path, {"payments.yaml": MINIMAL_TEAM})

    loaded = load_config(tmp_path, env=ENV)

    assert loaded.errors == []
    assert loaded.service.teams_dir is None
    assert loaded.teams_dir == tmp_path / "teams"
    assert [team.file for team in loaded.teams] == [tmp_path / "teams" / "payments.yaml"]


def test_the_environment_names_another_directory_and_teams_is_ignored(tmp_path: Path) -> None:
    root = write_config(
        tmp_path / "etc-syncd",
        {"stale.yaml": team_file("stale")},
        service="log_level: debug\n",
        people="carol: {email: carol@example.com}\n",
    )
    elsewhere = write_teams(tmp_path / "etc-syncd-teams", "payments", "search")

    loaded = load_config(root, env={**ENV, "SYNCD_TEAMS_DIR": str(elsewhere)})

    assert loaded.errors == []
    assert [team.config.team for team in loaded.teams] == ["payments", "search"]
    assert loaded.teams_dir == elsewhere
    # syncd.yaml and people.yaml still come from the config directory
    assert loaded.service.log_level == "debug"
    assert "carol" in loaded.teams[0].config.people


def test_syncd_yaml_names_it_relative_to_the_config_directory(tmp_path: Path) -> None:
    root = write_config(tmp_path / "config", {}, service="teams_dir: ../team-files\n")
    write_teams(tmp_path / "team-files", "payments")

    loaded = load_config(root, env=ENV)

    assert loaded.errors == []
    assert loaded.teams_dir == root / ".." / "team-files"
    assert team_names(root, ENV) == ["payments"]
    # `~` is the HOME of the given environment, as for state_dir
    write_teams(tmp_path / "home" / "teams", "search")
    home = {**ENV, "HOME": str(tmp_path / "home")}
    (root / "syncd.yaml").write_text("teams_dir: ~/teams\n", encoding="utf-8")
    assert team_names(root, home) == ["search"]


def test_the_environment_wins_over_syncd_yaml_and_empty_counts_as_unset(tmp_path: Path) -> None:
    root = write_config(
        tmp_path / "config", {"payments.yaml": MINIMAL_TEAM}, service="teams_dir: from-file\n"
    )
    write_teams(root / "from-file", "search")
    write_teams(tmp_path / "from-env", "checkout")

    assert team_names(root, {**ENV, "SYNCD_TEAMS_DIR": str(tmp_path / "from-env")}) == ["checkout"]
    assert team_names(root, {**ENV, "SYNCD_TEAMS_DIR": ""}) == ["search"]
    (root / "syncd.yaml").write_text('teams_dir: ""\n', encoding="utf-8")
    assert team_names(root, ENV) == ["payments"]


def test_a_missing_directory_is_reported_where_it_was_set(tmp_path: Path) -> None:
    root = write_config(tmp_path / "config", {"payments.yaml": MINIMAL_TEAM})
    nowhere = tmp_path / "nowhere"

    assert errors(root, {**ENV, "SYNCD_TEAMS_DIR": str(nowhere)}) == [
        f"environment variable SYNCD_TEAMS_DIR: {nowhere}: no such directory: "
        "the team files' directory holds one YAML file per team"
    ]
    (root / "syncd.yaml").write_text("log_level: info\nteams_dir: ../nowhere\n", encoding="utf-8")
    assert errors(root, ENV) == [
        f"syncd.yaml:2: teams_dir: {root / '..' / 'nowhere'}: no such directory: "
        "the team files' directory holds one YAML file per team"
    ]


def test_a_file_or_an_empty_directory_is_refused(tmp_path: Path) -> None:
    root = write_config(tmp_path / "config", {"payments.yaml": MINIMAL_TEAM})
    a_file = root / "teams" / "payments.yaml"
    empty = tmp_path / "empty"
    empty.mkdir()

    assert errors(root, {**ENV, "SYNCD_TEAMS_DIR": str(a_file)}) == [
        f"environment variable SYNCD_TEAMS_DIR: {a_file}: not a directory: "
        "the team files' directory holds one YAML file per team"
    ]
    assert errors(root, {**ENV, "SYNCD_TEAMS_DIR": str(empty)}) == [
        f"environment variable SYNCD_TEAMS_DIR: {empty}: no team files (*.yaml, *.yml) in it"
    ]


def test_errors_in_a_team_file_elsewhere_name_its_full_path(tmp_path: Path) -> None:
    root = write_config(tmp_path / "config", {})
    elsewhere = tmp_path / "teams-volume"
    elsewhere.mkdir()
    (elsewhere / "payments.yaml").write_text(
        MINIMAL_TEAM.replace("project: PAY", "projekt: PAY"), encoding="utf-8"
    )

    found = errors(root, {**ENV, "SYNCD_TEAMS_DIR": str(elsewhere)})

    assert f"{elsewhere / 'payments.yaml'}:12: tracker.projekt: unknown key 'projekt'" in " ".join(
        found
    )


def test_broken_service_settings_still_read_the_teams_from_their_directory(
    tmp_path: Path,
) -> None:
    """Every error is reported at once: a typo in syncd.yaml must not add a misleading
    "no teams directory" for a teams/ the user never meant."""
    root = write_config(tmp_path / "config", {}, service="http_prot: 80\n")
    (root / "teams").rmdir()
    elsewhere = tmp_path / "team-files"
    elsewhere.mkdir()
    (elsewhere / "payments.yaml").write_text("team: [unclosed\n", encoding="utf-8")

    for env in (
        {**ENV, "SYNCD_TEAMS_DIR": str(elsewhere)},
        {**ENV, "SYNCD_HTTP_PORT": "http", "SYNCD_TEAMS_DIR": str(elsewhere)},
    ):
        found = errors(root, env)
        assert any(line.startswith(f"{elsewhere / 'payments.yaml'}:") for line in found), found
        assert not any("no teams directory" in line for line in found), found

    (root / "syncd.yaml").write_text(
        textwrap.dedent("""\
            http_prot: 80
            teams_dir: ../team-files
            """),
        encoding="utf-8",
    )
    found = errors(root, ENV)
    assert any(line.startswith("syncd.yaml:1: http_prot: unknown key") for line in found)
    # shown relative to the config directory, as the setting was written
    assert any(line.startswith("../team-files/payments.yaml:2: invalid YAML") for line in found)


def test_one_team_file_needs_no_teams_directory(tmp_path: Path) -> None:
    elsewhere = write_teams(tmp_path / "team-files", "payments")

    loaded = load_config(
        elsewhere / "payments.yaml", env={**ENV, "SYNCD_TEAMS_DIR": str(tmp_path / "nowhere")}
    )

    assert loaded.errors == []
    assert loaded.teams_dir is None
    assert [team.config.team for team in loaded.teams] == ["payments"]
