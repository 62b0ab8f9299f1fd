"""Requests and answers checked against Google's Drive v3 discovery document
(`tests/specs/google-drive-v3.json`, kept whole).

A discovery document is not OpenAPI: its methods sit under ``resources`` with a ``path``
relative to ``servicePath`` and typed ``parameters`` (plus the API-wide ones at the top), and
its ``schemas`` are JSON Schema draft 3 in spirit, referring to each other by bare name. The
schemas are turned into draft 4 here, with objects closed (``additionalProperties: false``
where the document lists properties and allows nothing else), so an answer holding a field the
real API never sends fails, as does a field of the wrong type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft4Validator

from tests.specs.manifest import spec_file


@dataclass(frozen=True)
class Method:
    id: str
    http_method: str
    template: str  # "/drive/v3/files/{fileId}/export"
    pattern: re.Pattern[str]
    parameters: dict[str, Any]
    response: str | None  # the schema's name


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(spec_file("google_drive").read_text(encoding="utf-8"))
    return loaded


def _methods_of(resources: dict[str, Any]) -> list[Method]:
    base = "/" + document()["servicePath"].strip("/")
    found: list[Method] = []
    for resource in resources.values():
        for method in resource.get("methods", {}).values():
            template = f"{base}/{method['path']}"
            regex = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(template))
            found.append(
                Method(
                    method["id"],
                    method["httpMethod"],
                    template,
                    re.compile(f"^{regex}$"),
                    method.get("parameters", {}),
                    method.get("response", {}).get("$ref"),
                )
            )
        found += _methods_of(resource.get("resources", {}))
    # Literal segments first: files/generateIds before files/{fileId}.
    return sorted(found, key=lambda m: (m.template.count("{"), -len(m.template)))


@cache
def methods() -> list[Method]:
    return _methods_of(document()["resources"])


def find_method(http_method: str, path: str) -> Method | None:
    return next(
        (m for m in methods() if m.http_method == http_method and m.pattern.match(path)), None
    )


def _fits(value: str, schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "boolean":
        return value in ("true", "false")
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if "enum" in schema:
        return value in schema["enum"]
    return True


def validate_request(method: str, path: str, query: dict[str, list[str]]) -> list[str]:
    """Problems with one request: the method exists, each query parameter is declared (by the
    method or API-wide) with a value of its type or enum, required ones are present."""
    found = find_method(method, path)
    if found is None:
        return [f"{method} {path}: no such method in the Drive v3 discovery document"]
    where = f"{found.id} ({method} {found.template})"
    declared = {**document()["parameters"], **found.parameters}
    problems = []
    for name, values in query.items():
        schema = declared.get(name)
        if schema is None or schema.get("location") == "path":
            problems.append(f"{where}: query parameter {name!r} is not declared")
            continue
        if len(values) > 1 and not schema.get("repeated"):
            problems.append(f"{where}: query parameter {name!r} given {len(values)} times")
        problems += [
            f"{where}: {name}={value!r} is not a {schema.get('type')}"
            + (f" of {schema['enum']}" if "enum" in schema else "")
            for value in values
            if not _fits(value, schema)
        ]
    for name, schema in found.parameters.items():
        if schema.get("required") and schema.get("location") == "query" and name not in query:
            problems.append(f"{where}: required query parameter {name!r} is missing")
    return problems


def _draft4(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft4(n) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": f"#/definitions/{node['$ref']}"}
    # A schema's own name (`id`), draft-3 booleans (`required`) and write annotations go; a
    # property that happens to be called "id" or "required" (an object) stays.
    out = {
        k: _draft4(v)
        for k, v in node.items()
        if not (k == "id" and isinstance(v, str))
        and not (k == "required" and isinstance(v, bool))
        and not (k == "annotations" and isinstance(v, dict) and "required" in v)
    }
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.get("type") == "any":
        out.pop("type")
    return out


@cache
def _validator(schema: str) -> Draft4Validator:
    definitions = {name: _draft4(s) for name, s in document()["schemas"].items()}
    return Draft4Validator({"$ref": f"#/definitions/{schema}", "definitions": definitions})


def validate_schema(schema: str, instance: Any) -> list[str]:
    found = sorted(_validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    return [f"{schema}: {'/'.join(map(str, e.path)) or '(root)'}: {e.message[:300]}" for e in found]


def validate_response(method: str, path: str, status: int, body: Any) -> list[str]:
    """A successful answer against the method's response schema; a media download (export)
    must come as bytes. Error answers are Google's error object, not in the document."""
    found = find_method(method, path)
    if found is None:
        return [f"{method} {path}: no such method in the Drive v3 discovery document"]
    if status >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        ok = isinstance(error, dict) and error.get("code") == status and error.get("errors")
        return [] if ok else [f"{found.id} → {status}: not Google's error object"]
    if found.response is None:
        return [] if isinstance(body, bytes) else [f"{found.id}: a download must be bytes"]
    return validate_schema(found.response, body)
