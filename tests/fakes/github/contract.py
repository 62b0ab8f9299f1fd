"""Checks requests and responses against GitHub's REST OpenAPI description (api.github.com, as
bundled in octokit's `@octokit/openapi` package), trimmed to the paths used: `tests/specs/`.

The spec is OpenAPI 3.0, whose schemas are JSON Schema draft 4 plus `nullable`; we turn
`nullable: true` into an explicit `null` alternative and validate with a draft-4 validator,
resolving `$ref`s (schemas, `components/responses`, `components/parameters`) against the whole
document through `referencing`. Paths are checked without the GitHub Enterprise Server
`/api/v3` prefix, which is where the spec's paths sit on such a server.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.fakes.openapi import OpenApiContract
from tests.specs.manifest import spec_file

SPEC_ENV = "SYNCD_GITHUB_SPEC"
_PREFIX = "/api/v3"


def spec_path() -> Path:
    """The trimmed description in the repository (`tests/specs/`), unless $SYNCD_GITHUB_SPEC
    names another file (e.g. the full upstream one)."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    return spec_file("github")


def api_path(path: str) -> str:
    """A request path as the spec writes it: no query, no trailing slash, no `/api/v3`."""
    path = path.split("?", 1)[0].rstrip("/") or "/"
    return path.removeprefix(_PREFIX) or "/"


CONTRACT = OpenApiContract("GitHub REST", "urn:github-rest-api", lambda: spec_path(), api_path)
load_spec = CONTRACT.load_spec
spec_template = CONTRACT.spec_template
validate_request = CONTRACT.validate_request
validate_response = CONTRACT.validate_response
schema_validator = CONTRACT.schema_validator
validate_schema = CONTRACT.validate_schema
validate_requests = CONTRACT.validate_requests
