"""The published JSON Schema of a team file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from syncd.config.schema import REFERENCE_PATTERN, render_schema, team_file_schema, write_schema
from syncd.plugins import available
from tests.config.config_support import FIXTURES, GOOD_CONFIG

REPOSITORY = Path(__file__).resolve().parents[2]
SHIPPED_SCHEMA = REPOSITORY / "config" / "team.schema.json"


class _JsonLikeLoader(yaml.SafeLoader):
    """YAML as an editor's schema check sees it: dates stay strings."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_team_file(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_JsonLikeLoader)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = team_file_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_is_the_generated_one() -> None:
    # Regenerate with: python -c "from pathlib import Path; from syncd.config import
    # write_schema; write_schema(Path('config/team.schema.json'))"
    assert SHIPPED_SCHEMA.read_text(encoding="utf-8") == render_schema()


def test_write_schema(tmp_path: Path) -> None:
    target = tmp_path / "team.schema.json"

    write_schema(target)

    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == team_file_schema()


def team_files() -> list[Path]:
    examples = sorted((REPOSITORY / "config" / "teams").glob("*.y*ml"))
    return [*sorted((GOOD_CONFIG / "teams").glob("*.y*ml")), *examples]


@pytest.mark.parametrize("path", team_files(), ids=lambda path: path.name)
def test_team_files_validate(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    errors = [error.message for error in validator.iter_errors(read_team_file(path))]

    assert errors == []


def test_a_broken_team_file_fails(validator: jsonschema.Draft202012Validator) -> None:
    broken = read_team_file(FIXTURES / "broken-team.yaml")

    assert not validator.is_valid(broken)
    # the same file with the typo fixed is valid: the schema caught exactly that
    broken["tracker"]["project"] = broken["tracker"].pop("prject")
    assert validator.is_valid(broken)


@pytest.mark.parametrize(
    "edit",
    [
        lambda team: team.pop("tracker"),
        lambda team: team["tracker"].update(type="jria"),
        lambda team: team["tracker"]["auth"].update(token="plain-text"),
        lambda team: team["sources"][0].pop("name"),
        lambda team: team["sources"][0].update(name="Not Valid"),
        lambda team: team.update(policy={"due_days": {"P0": 0, "default": 5}}),
        lambda team: team.update(digest={"channels": [{"type": "slack"}]}),
    ],
)
def test_schema_rejects(validator: jsonschema.Draft202012Validator, edit: Any) -> None:
    team = read_team_file(GOOD_CONFIG / "teams" / "payments.yaml")
    edit(team)

    assert not validator.is_valid(team)


def test_any_constrained_value_may_be_a_reference(
    validator: jsonschema.Draft202012Validator,
) -> None:
    team = read_team_file(GOOD_CONFIG / "teams" / "payments.yaml")
    team["tracker"]["url"] = "${JIRA_URL}"
    team["tracker"]["deployment"] = "${JIRA_DEPLOYMENT:-cloud}"
    team["policy"]["due_soon_days"] = "${DUE_SOON}"

    assert validator.is_valid(team)


def test_every_installed_connector_is_a_branch_with_its_descriptions() -> None:
    schema = team_file_schema()
    defs = schema["$defs"]
    branches = {
        kind: {branch["properties"]["type"]["const"]: branch for branch in defs[name]["oneOf"]}
        for kind, name in (
            ("source", "SourceConfig"),
            ("tracker", "TrackerConfig"),
            ("notifier", "ChannelConfig"),
        )
    }

    for kind, by_type in branches.items():
        assert sorted(by_type) == available(kind)  # type: ignore[arg-type]
        for branch in by_type.values():
            assert branch["additionalProperties"] is False
            assert "type" in branch["required"]
            for name, prop in branch["properties"].items():
                assert prop.get("description"), f"{kind} {name} has no description"
    jira = branches["tracker"]["jira"]
    assert "project" in jira["required"]
    assert branches["source"]["markdown"]["required"] == ["name", "type"]


def test_secrets_must_be_references_in_the_schema() -> None:
    text = json.dumps(team_file_schema())

    assert '"writeOnly": true' in text
    token = team_file_schema()["$defs"]["JiraAuth"]["properties"]["token"]
    assert token["pattern"] == REFERENCE_PATTERN
