"""The JSON Schema of a team file, built from the models and the installed connectors.

Editors (e.g. the YAML language server) use it to complete and check team files. It describes
the file as written, before ``${VAR}`` expansion, so any value except a connector's ``type`` may
also be a string holding a ``${...}`` reference, and a secret must be one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from syncd.config.models import TeamConfig

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REFERENCE_PATTERN = r"\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}"
_REFERENCE: dict[str, Any] = {
    "type": "string",
    "pattern": REFERENCE_PATTERN,
    "description": "A ${VAR} or ${VAR:-default} reference, resolved from the environment.",
}
# Keywords whose values are schemas, or maps or lists of schemas.
_SCHEMA_KEYS = ("items", "additionalProperties", "not", "if", "then", "else")
_SCHEMA_MAP_KEYS = ("properties", "$defs", "patternProperties")
_SCHEMA_LIST_KEYS = ("anyOf", "oneOf", "allOf", "prefixItems")
# Keywords describing a value rather than constraining it: they stay on the outer schema.
_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated")
# Models renamed in code keep their definition names in the published schema, which editors and
# people's own tooling may refer to: code name → published name.
PUBLISHED = {"PersonConfig": "Person", "DigestConfig": "Digest"}


class _PublishedNames(GenerateJsonSchema):
    def normalize_name(self, name: str) -> str:
        return super().normalize_name(PUBLISHED.get(name, name))


def team_file_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a team file, including every installed connector."""
    schema = TeamConfig.model_json_schema(mode="validation", schema_generator=_PublishedNames)
    schema = _with_references(schema)
    return {
        "$schema": DRAFT,
        "title": "syncd team file",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def write_schema(path: Path) -> None:
    path.write_text(render_schema(), encoding="utf-8")


def render_schema() -> str:
    return json.dumps(team_file_schema(), indent=2, sort_keys=True) + "\n"


def _with_references(schema: Any, *, in_property: str | None = None) -> Any:
    """Let constrained values be ``${...}`` references instead; require one for secrets."""
    if not isinstance(schema, dict):
        return schema
    result = dict(schema)
    for key in _SCHEMA_KEYS:
        if isinstance(result.get(key), dict):
            result[key] = _with_references(result[key])
    for key in _SCHEMA_MAP_KEYS:
        if isinstance(result.get(key), dict):
            result[key] = {
                name: _with_references(sub, in_property=name if key == "properties" else None)
                for name, sub in result[key].items()
            }
    for key in _SCHEMA_LIST_KEYS:
        if isinstance(result.get(key), list):
            result[key] = [_with_references(sub, in_property=in_property) for sub in result[key]]
    if result.get("writeOnly") and result.get("type") == "string":
        # a secret: the file may only name the variable that holds it
        result["pattern"] = REFERENCE_PATTERN
        result.pop("format", None)
        return result
    if in_property == "type" and "const" in result:
        return result  # the connector discriminator must be written as is
    if _is_constrained_leaf(result):
        inner = {key: value for key, value in result.items() if key not in _ANNOTATIONS}
        outer = {key: value for key, value in result.items() if key in _ANNOTATIONS}
        return {**outer, "anyOf": [inner, _REFERENCE]}
    return result


def _is_constrained_leaf(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind in ("integer", "number", "boolean"):
        return True
    if kind == "string":
        return any(key in schema for key in ("pattern", "format", "enum", "const", "minLength"))
    return "enum" in schema or "const" in schema
