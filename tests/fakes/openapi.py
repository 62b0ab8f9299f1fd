"""What both fakes' contract checks share: OpenAPI 3.0 schemas as JSON Schema, readable errors."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any, TypeVar

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.specs.trim import STAMP_KEY

T = TypeVar("T")


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


class LoadedSpec:
    """A description loaded once, and what is made from it (its schema registry, its path
    patterns), forgotten together by ``cache_clear``."""

    def __init__(self, load: Callable[[], dict[str, Any]]) -> None:
        self._load = load
        self._spec: dict[str, Any] | None = None
        self._derived: dict[str, Any] = {}

    def __call__(self) -> dict[str, Any]:
        if self._spec is None:
            self._spec = self._load()
        return self._spec

    def derived(self, name: str, make: Callable[[dict[str, Any]], T]) -> T:
        if name not in self._derived:
            self._derived[name] = make(self())
        made: T = self._derived[name]
        return made

    def cache_clear(self) -> None:
        self._spec = None
        self._derived.clear()


class OpenApiContract:
    """Requests and answers checked against one service's OpenAPI description: the checks both
    fakes share, with the few ways the services differ as settings.

    ``spec_path`` names the file; ``spec_path_of`` turns a request's path into the one the
    spec writes (a REST version or an API prefix); ``drops_null_fields``: the service's JSON
    reader ignores top-level nulls in a body (Jira's does); ``python_booleans``: a boolean
    query parameter may be written "True" (Jira's Python client does, and Jira reads it);
    ``checks``: which logged requests ``validate_requests`` looks at.
    """

    def __init__(
        self,
        name: str,
        uri: str,
        spec_path: Callable[[], Path],
        spec_path_of: Callable[[str], str],
        *,
        drops_null_fields: bool = False,
        python_booleans: bool = False,
        checks: Callable[[str], bool] = lambda _path: True,
    ) -> None:
        self.name = name
        self._uri = uri
        self.spec_path = spec_path
        self._spec_path_of = spec_path_of
        self._drops_null_fields = drops_null_fields
        self._booleans = (
            ("true", "false", "True", "False") if python_booleans else ("true", "false")
        )
        self._checks = checks
        # ``load_spec.cache_clear()`` forgets the file and all that was made from it.
        self.load_spec = LoadedSpec(lambda: load_openapi(self.spec_path()))

    def _registry(self) -> Registry[Any]:
        def made(spec: dict[str, Any]) -> Registry[Any]:
            resource: Resource[Any] = DRAFT4.create_resource(spec)
            registry: Registry[Any] = Registry().with_resource(self._uri, resource)
            return registry

        return self.load_spec.derived("registry", made)

    def _path_patterns(self) -> list[tuple[re.Pattern[str], str]]:
        return self.load_spec.derived("patterns", path_patterns)

    def deref(self, node: Any) -> Any:
        """Follow a local `$ref` (`#/components/...`) to what it names, repeatedly."""
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.load_spec()
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def spec_template(self, path: str) -> str | None:
        """The spec's path template for a concrete path, or None."""
        path = self._spec_path_of(path)
        for pattern, template in self._path_patterns():
            if pattern.match(path):
                return template
        return None

    def _validator(self, *parts: str) -> Draft4Validator:
        escaped = (p.replace("~", "~0").replace("/", "~1") for p in parts)
        pointer = f"{self._uri}#/" + "/".join(escaped)
        return Draft4Validator({"$ref": pointer}, registry=self._registry())

    def _operation(self, method: str, path: str) -> tuple[str, str, dict[str, Any]] | list[str]:
        template = self.spec_template(path)
        if template is None:
            return [f"{method} {path}: no such path in the {self.name} spec"]
        away = trimmed_away(self.load_spec(), template, f"{method} {path}", self.spec_path())
        if away:
            return away
        operation = self.load_spec()["paths"][template].get(method.lower())
        if operation is None:
            return [f"{method} {path}: the spec's {template} has no {method.upper()}"]
        return template, method.lower(), operation

    def _query_parameters(self, template: str, operation: dict[str, Any]) -> dict[str, Any]:
        declared = {}
        for raw in [
            *self.load_spec()["paths"][template].get("parameters", []),
            *operation.get("parameters", []),
        ]:
            param = self.deref(raw)
            if param.get("in") == "query":
                declared[param["name"]] = param
        return declared

    def validate_request(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]] | dict[str, str] | None = None,
        body: Any = None,
        *,
        ignore_query: Collection[str] = (),
    ) -> list[str]:
        """Problems with one request (empty when it is what the spec describes).

        Checks: the path and method exist, every query parameter is declared with a value of
        its type (arrays: repeated or comma-separated; ISO 8601 for date-times), required query
        parameters are present, and the JSON body matches the request body schema.
        """
        found = self._operation(method, path)
        if isinstance(found, list):
            return found
        template, verb, operation = found
        where = f"{method.upper()} {template}"
        declared = self._query_parameters(template, operation)
        normalised = {
            name: value if isinstance(value, list) else [value]
            for name, value in (query or {}).items()
        }
        problems: list[str] = []
        for name, values in normalised.items():
            if name not in ignore_query:
                problems += _query_problems(where, name, values, declared.get(name), self._booleans)
        for name, param in declared.items():
            if param.get("required") and name not in normalised:
                problems.append(f"{where}: required query parameter '{name}' is missing")
        return problems + self._body_problems(where, template, verb, operation, body)

    def _body_problems(
        self, where: str, template: str, verb: str, operation: dict[str, Any], body: Any
    ) -> list[str]:
        request_body = self.deref(operation.get("requestBody")) or {}
        json_body = request_body.get("content", {}).get("application/json")
        if body is not None and json_body is None:
            return [f"{where}: the spec takes no JSON body here"]
        if json_body is None:
            return []
        if body is None:
            return [f"{where}: a JSON body is required"] if request_body.get("required") else []
        if self._drops_null_fields and isinstance(body, dict):
            body = {k: v for k, v in body.items() if v is not None}
        # Where the body is described: inline, or a shared `components/requestBodies` entry.
        location = ["paths", template, verb, "requestBody"]
        reference = operation.get("requestBody")
        if isinstance(reference, dict) and "$ref" in reference:
            location = reference["$ref"].removeprefix("#/").split("/")
        validator = self._validator(*location, "content", "application/json", "schema")
        return schema_errors(validator, body, f"{where} body")

    def validate_response(
        self,
        method: str,
        path: str,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
    ) -> list[str]:
        """Problems with one answer against the spec for that path, method and status: the JSON
        body against its schema and, when `headers` are given, the headers the spec lists for it
        (`Link` only comes with more than one page)."""
        found = self._operation(method, path)
        if isinstance(found, list):
            return found
        template, verb, operation = found
        where = f"{method.upper()} {template} → {status}"
        response = operation.get("responses", {}).get(str(status))
        if response is None and status == 304 and verb == "get":
            # Conditional requests work on every GET (GitHub's documented rule), though a spec
            # may list 304 for only some of them.
            return [] if body in (None, b"", "") else [f"{where}: a 304 carries no body"]
        if response is None:
            return [f"{where}: the spec lists no {status} answer"]
        # Where the answer is described: inline, or a shared `components/responses` entry.
        location = ["paths", template, verb, "responses", str(status)]
        if "$ref" in response:
            location = response["$ref"].removeprefix("#/").split("/")
            response = self.deref(response)
        problems: list[str] = []
        content = response.get("content", {})
        media = next((m for m in content if m.startswith("application/json")), None)
        if media is None:
            if body not in (None, b"", ""):
                problems.append(f"{where}: the spec describes no JSON body")
        else:
            problems += schema_errors(
                self._validator(*location, "content", media, "schema"), body, where
            )
        for name in response.get("headers", {}) if headers is not None else ():
            # Link only comes with a second page; every other listed header must be there.
            if name.lower() != "link" and name.lower() not in {k.lower() for k in headers or {}}:
                problems.append(f"{where}: no {name} header")
        return problems

    def schema_validator(self, name: str) -> Draft4Validator:
        """A validator for one of the spec's component schemas."""
        if name not in self.load_spec()["components"]["schemas"]:
            raise KeyError(name)
        return self._validator("components", "schemas", name)

    def validate_schema(self, name: str, instance: Any) -> list[str]:
        return schema_errors(self.schema_validator(name), instance, name)

    def validate_requests(
        self, requests: Iterable[Any], *, ignore_query: Collection[str] = ()
    ) -> list[str]:
        """Every problem in a fake's request log (`fake.requests`), e.g. all that syncd sent."""
        problems: list[str] = []
        for request in requests:
            if self._checks(request.path):
                problems += self.validate_request(
                    request.method,
                    request.path,
                    request.query,
                    request.body,
                    ignore_query=ignore_query,
                )
        return problems


def _query_problems(
    where: str, name: str, values: list[str], param: Any, booleans: Collection[str]
) -> list[str]:
    if param is None:
        return [f"{where}: query parameter '{name}' is not in the spec"]
    schema = param.get("schema", {})
    array = schema.get("type") == "array"
    items = schema.get("items", {}) if array else schema
    problems = []
    if not array and len(values) > 1:
        problems.append(f"{where}: query parameter '{name}' given {len(values)} times")
    for part in (p for v in values for p in (v.split(",") if array else [v])):
        if not _scalar_fits(str(part), items, booleans):
            problems.append(
                f"{where}: query parameter '{name}'={part!r} is not "
                f"{'date-time' if items.get('format') == 'date-time' else items.get('type')}"
            )
    return problems


_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _scalar_fits(value: str, schema: dict[str, Any], booleans: Collection[str]) -> bool:
    kind = schema.get("type")
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "number":
        return re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
    if kind == "boolean":
        return value in booleans
    if "enum" in schema:
        return value in schema["enum"]
    if schema.get("format") == "date-time":
        return _DATE_TIME.fullmatch(value) is not None
    return True
