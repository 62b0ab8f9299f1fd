"""What both fakes' contract checks share: OpenAPI 3.0 schemas as JSON Schema, readable errors."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft4Validator


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
