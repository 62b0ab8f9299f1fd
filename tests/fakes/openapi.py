"""What both fakes' contract checks share: OpenAPI 3.0 schemas as JSON Schema, readable errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

from tests.specs.trim import STAMP_KEY


def load_openapi(path: Path) -> dict[str, Any]:
    """A description file, with OpenAPI's `nullable` turned into JSON Schema's null type."""
    with path.open(encoding="utf-8") as handle:
        converted: dict[str, Any] = nullable_to_null(json.load(handle))
    return converted


def omitted_paths(spec: dict[str, Any]) -> list[str]:
    """The upstream paths a trimmed description leaves out (none for a full one)."""
    omitted: list[str] = spec.get(STAMP_KEY, {}).get("omittedPaths", [])
    return omitted


def path_patterns(spec: dict[str, Any]) -> list[tuple[re.Pattern[str], str]]:
    """Each path template as a regex, most specific first. A trimmed description's omitted
    paths are included, so a concrete path matches the template it would in the full file."""
    patterns = []
    for template in [*spec["paths"], *omitted_paths(spec)]:
        regex = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template))
        patterns.append((re.compile(f"^{regex}$"), template))
    # Literal segments win over parameters (`/issue/bulk` over `/issue/{issueIdOrKey}`).
    patterns.sort(key=lambda p: (p[1].count("{"), -len(p[1]), p[1]))
    return patterns


def trimmed_away(spec: dict[str, Any], template: str, request: str, file: Path) -> list[str]:
    """The problem when a request's path is upstream but not in the trimmed file, else []."""
    if template in spec["paths"]:
        return []
    return [
        f"{request}: {template} was trimmed out of {file.name}; add it to the paths in "
        "tests/specs/manifest.toml and regenerate the file (tests/specs/README.md)"
    ]


def nullable_to_null(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` → JSON Schema that also accepts null (recursively)."""
    if isinstance(node, list):
        return [nullable_to_null(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: nullable_to_null(v) for k, v in node.items()}
    if out.pop("nullable", False) is True:
        if isinstance(out.get("type"), str) and "oneOf" not in out and "anyOf" not in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def schema_errors(validator: Draft4Validator, instance: Any, where: str) -> list[str]:
    """Every way ``instance`` breaks the schema, one line each, in document order."""
    found = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [
        f"{where}: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
        for e in found
    ]
