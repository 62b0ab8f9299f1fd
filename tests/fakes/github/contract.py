"""Checks requests and responses against GitHub's REST OpenAPI description (api.github.com, as
bundled in octokit's `@octokit/openapi` package), trimmed to the paths used: `tests/specs/`.

The spec is OpenAPI 3.0, whose schemas are JSON Schema draft 4 plus `nullable`; we turn
`nullable: true` into an explicit `null` alternative and validate with a draft-4 validator,
resolving `$ref`s (schemas, `components/responses`, `components/parameters`) against the whole
document through `referencing`. Paths are checked without the GitHub Enterprise Server
`/api/v3` prefix, which is where the spec's paths sit on such a server.
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

SPEC_ENV = "SYNCD_GITHUB_SPEC"
_SPEC_URI = "urn:github-rest-api"
_PREFIX = "/api/v3"


def spec_path() -> Path:
    """The trimmed description in the repository (`tests/specs/`), unless $SYNCD_GITHUB_SPEC
    names another file (e.g. the full upstream one)."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    return spec_file("github")


@functools.cache
def load_spec() -> dict[str, Any]:
    return load_openapi(spec_path())


@functools.cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = DRAFT4.create_resource(load_spec())
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


def _deref(node: Any) -> Any:
    """Follow a local `$ref` (`#/components/...`) to what it names, repeatedly."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = load_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern[str], str]]:
    return path_patterns(load_spec())


def api_path(path: str) -> str:
    """A request path as the spec writes it: no query, no trailing slash, no `/api/v3`."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    return path.removeprefix(_PREFIX) or "/"


def spec_template(path: str) -> str | None:
    """The spec's path template for a concrete path, or None."""
    path = api_path(path)
    for pattern, template in _path_patterns():
        if pattern.match(path):
            return template
    return None


def _pointer(*parts: str) -> str:
    escaped = (p.replace("~", "~0").replace("/", "~1") for p in parts)
    return f"{_SPEC_URI}#/" + "/".join(escaped)


def _validator(schema: dict[str, Any]) -> Draft4Validator:
    return Draft4Validator(schema, registry=_registry())


def _operation(method: str, path: str) -> tuple[str, str, dict[str, Any]] | list[str]:
    template = spec_template(path)
    if template is None:
        return [f"{method} {path}: no such path in the GitHub REST spec"]
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
        return value in ("true", "false")
    if "enum" in schema:
        return value in schema["enum"]
    if schema.get("format") == "date-time":
        return (
            re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value)
            is not None
        )
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
    type (ISO 8601 for date-times such as `since`), required query parameters are present, and
    the JSON body matches the request body schema.
    """
    found = _operation(method, path)
    if isinstance(found, list):
        return found
    template, verb, operation = found
    where = f"{method.upper()} {template}"
    declared = {}
    for raw in [
        *load_spec()["paths"][template].get("parameters", []),
        *operation.get("parameters", []),
    ]:
        param = _deref(raw)
        if param.get("in") == "query":
            declared[param["name"]] = param
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
        if len(values) > 1:
            problems.append(f"{where}: query parameter '{name}' given {len(values)} times")
        for value in values:
            if not _check_scalar(str(value), schema):
                problems.append(
                    f"{where}: query parameter '{name}'={value!r} is not "
                    f"{schema.get('format') or schema.get('type')}"
                )
    for name, param in declared.items():
        if param.get("required") and name not in normalised:
            problems.append(f"{where}: required query parameter '{name}' is missing")
    request_body = _deref(operation.get("requestBody")) or {}
    json_body = request_body.get("content", {}).get("application/json")
    if body is not None and json_body is None:
        problems.append(f"{where}: the spec takes no JSON body here")
    elif json_body is not None:
        if body is None:
            if request_body.get("required"):
                problems.append(f"{where}: a JSON body is required")
        else:
            validator = _validator(
                {
                    "$ref": _pointer(
                        "paths",
                        template,
                        verb,
                        "requestBody",
                        "content",
                        "application/json",
                        "schema",
                    )
                }
            )
            problems.extend(schema_errors(validator, body, f"{where} body"))
    return problems


def validate_response(
    method: str,
    path: str,
    status: int,
    body: Any,
    headers: dict[str, str] | None = None,
) -> list[str]:
    """Problems with one answer against the spec for that path, method and status: the JSON
    body against its schema and, when `headers` are given, the headers the spec lists for it
    (`Location`, `X-RateLimit-*`; `Link` only comes with more than one page)."""
    found = _operation(method, path)
    if isinstance(found, list):
        return found
    template, verb, operation = found
    where = f"{method.upper()} {template} → {status}"
    response = operation.get("responses", {}).get(str(status))
    if response is None and status == 304 and verb == "get":
        # Conditional requests work on every GET (GitHub's documented rule), though the spec
        # lists 304 for only some of them.
        return [] if body in (None, b"", "") else [f"{where}: a 304 carries no body"]
    if response is None:
        return [f"{where}: the spec lists no {status} answer"]
    # Where the answer is described: inline, or a shared `components/responses` entry.
    location = ["paths", template, verb, "responses", str(status)]
    if "$ref" in response:
        location = response["$ref"].removeprefix("#/").split("/")
        response = _deref(response)
    problems: list[str] = []
    content = response.get("content", {})
    media = next((m for m in content if m.startswith("application/json")), None)
    if media is None:
        if body not in (None, b"", ""):
            problems.append(f"{where}: the spec describes no JSON body")
    else:
        validator = _validator({"$ref": _pointer(*location, "content", media, "schema")})
        problems.extend(schema_errors(validator, body, where))
    if headers is not None:
        sent = {k.lower() for k in headers}
        for name in response.get("headers", {}):
            # Link only comes with a second page; every other listed header must be there.
            if name.lower() != "link" and name.lower() not in sent:
                problems.append(f"{where}: no {name} header")
    return problems


def schema_validator(name: str) -> Draft4Validator:
    """A validator for one of the spec's component schemas (`issue`, `basic-error`, ...)."""
    if name not in load_spec()["components"]["schemas"]:
        raise KeyError(name)
    return _validator({"$ref": _pointer("components", "schemas", name)})


def validate_schema(name: str, instance: Any) -> list[str]:
    return schema_errors(schema_validator(name), instance, name)


def validate_requests(requests: Iterable[Any], *, ignore_query: Collection[str] = ()) -> list[str]:
    """Every problem in a fake's request log (`fake.requests`), e.g. all that syncd sent."""
    problems: list[str] = []
    for request in requests:
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
