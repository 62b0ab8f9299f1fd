"""Checks requests and responses against the Jira Cloud platform REST v3 OpenAPI document,
trimmed to the paths used (`tests/specs/`).

The spec is OpenAPI 3.0, whose schemas are JSON Schema draft 4 plus `nullable`; we turn
`nullable: true` into an explicit `null` alternative and validate with a draft-4 validator,
resolving `$ref`s against the whole document through `referencing`.

Data Center (v2) and Cloud's v2 resources are the v3 ones under `/rest/api/2`, so requests to
`/rest/api/2/...` and `/rest/api/latest/...` are checked against the `/rest/api/3/...` entry.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.fakes.openapi import load_openapi, path_patterns, schema_errors, trimmed_away
from tests.specs.manifest import spec_file

SPEC_ENV = "SYNCD_JIRA_SPEC"
_SPEC_URI = "urn:jira-cloud-platform-v3"
_VERSION_RE = re.compile(r"^/rest/api/(?:2|latest)(/|$)")


def spec_path() -> Path:
    """The trimmed description in the repository (`tests/specs/`), unless $SYNCD_JIRA_SPEC
    names another file (e.g. the full upstream one)."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    return spec_file("jira")


@functools.cache
def load_spec() -> dict[str, Any]:
    return load_openapi(spec_path())


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT4.create_resource(load_spec())
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    return path_patterns(load_spec())


def spec_template(path: str) -> str | None:
    """The spec's path template for a concrete path (any REST version), or None."""
    path = _VERSION_RE.sub(r"/rest/api/3\1", path.split("?", 1)[0].rstrip("/"))
    for pattern, template in _path_patterns():
        if pattern.match(path):
            return template
    return None


def _pointer(*parts: str) -> str:
    escaped = (p.replace("~", "~0").replace("/", "~1") for p in parts)
    return f"{_SPEC_URI}#/" + "/".join(escaped)


def _validator(*parts: str) -> Draft4Validator:
    return Draft4Validator({"$ref": _pointer(*parts)}, registry=_registry())


def _operation(method: str, path: str) -> tuple[str, str, dict[str, Any]] | list[str]:
    template = spec_template(path)
    if template is None:
        return [f"{method} {path}: no such path in the Jira v3 spec"]
    away = trimmed_away(load_spec(), template, f"{method} {path}", spec_path())
    if away:
        return away
    operations = load_spec()["paths"][template]
    operation = operations.get(method.lower())
    if operation is None:
        return [f"{method} {path}: the spec's {template} has no {method.upper()}"]
    return template, method.lower(), operation


def _check_scalar(value: str, schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "number":
        return re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
    if kind == "boolean":
        return value in ("true", "false", "True", "False")
    if "enum" in schema:
        return value in schema["enum"]
    return True


def validate_request(
    method: str,
    path: str,
    query: dict[str, list[str]] | dict[str, str] | None = None,
    body: Any = None,
    *,
    ignore_query: Collection[str] = (),
) -> list[str]:
    """Problems with one request (empty when it is what the spec describes).

    Checks: the path and method exist, every query parameter is declared with a value of its
    type (arrays: repeated or comma-separated), required query parameters are present, and the
    JSON body matches the request body schema. Top-level nulls in the body are dropped first,
    as Jira's JSON reader does.
    """
    found = _operation(method, path)
    if isinstance(found, list):
        return found
    template, verb, operation = found
    where = f"{method.upper()} {template}"
    declared = {
        p["name"]: p
        for p in [
            *load_spec()["paths"][template].get("parameters", []),
            *operation.get("parameters", []),
        ]
        if p.get("in") == "query"
    }
    problems: list[str] = []
    normalised = {
        name: value if isinstance(value, list) else [value] for name, value in (query or {}).items()
    }
    for name, values in normalised.items():
        if name in ignore_query:
            continue
        param = declared.get(name)
        if param is None:
            problems.append(f"{where}: query parameter '{name}' is not in the spec")
            continue
        schema = param.get("schema", {})
        items = schema.get("items", {}) if schema.get("type") == "array" else schema
        parts = [
            p for v in values for p in (v.split(",") if schema.get("type") == "array" else [v])
        ]
        if schema.get("type") != "array" and len(values) > 1:
            problems.append(f"{where}: query parameter '{name}' given {len(values)} times")
        for part in parts:
            if not _check_scalar(str(part), items):
                problems.append(
                    f"{where}: query parameter '{name}'={part!r} is not {items.get('type')}"
                )
    for name, param in declared.items():
        if param.get("required") and name not in normalised:
            problems.append(f"{where}: required query parameter '{name}' is missing")
    request_body = operation.get("requestBody")
    json_body = (request_body or {}).get("content", {}).get("application/json")
    if body is not None and json_body is None:
        problems.append(f"{where}: the spec takes no JSON body here")
    elif json_body is not None:
        if body is None:
            if (request_body or {}).get("required"):
                problems.append(f"{where}: a JSON body is required")
        else:
            cleaned = (
                {k: v for k, v in body.items() if v is not None} if isinstance(body, dict) else body
            )
            validator = _validator(
                "paths", template, verb, "requestBody", "content", "application/json", "schema"
            )
            problems.extend(schema_errors(validator, cleaned, f"{where} body"))
    return problems


def validate_response(method: str, path: str, status: int, body: Any) -> list[str]:
    """Problems with one JSON answer against the spec's schema for that path, method, status."""
    found = _operation(method, path)
    if isinstance(found, list):
        return found
    template, verb, operation = found
    where = f"{method.upper()} {template} → {status}"
    response = operation.get("responses", {}).get(str(status))
    if response is None:
        return [f"{where}: the spec lists no {status} answer"]
    content = response.get("content", {})
    media = next((m for m in content if m.startswith("application/json")), None)
    if media is None:
        return [] if body is None else [f"{where}: the spec describes no JSON body"]
    validator = _validator(
        "paths", template, verb, "responses", str(status), "content", media, "schema"
    )
    return schema_errors(validator, body, where)


def schema_validator(name: str) -> Draft4Validator:
    """A validator for one of the spec's component schemas (`IssueBean`, `User`, ...)."""
    if name not in load_spec()["components"]["schemas"]:
        raise KeyError(name)
    return _validator("components", "schemas", name)


def validate_schema(name: str, instance: Any) -> list[str]:
    return schema_errors(schema_validator(name), instance, name)


def validate_requests(requests: Iterable[Any], *, ignore_query: Collection[str] = ()) -> list[str]:
    """Every problem in a fake's request log (`fake.requests`), e.g. all that syncd sent."""
    problems: list[str] = []
    for request in requests:
        if request.path.startswith("/rest/api/"):
            problems.extend(
                validate_request(
                    request.method,
                    request.path,
                    request.query,
                    request.body,
                    ignore_query=ignore_query,
                )
            )
    return problems
