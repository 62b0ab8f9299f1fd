"""Checks requests and responses against the Jira Cloud platform REST v3 OpenAPI document,
trimmed to the paths used (`tests/specs/`).

The spec is OpenAPI 3.0, whose schemas are JSON Schema draft 4 plus `nullable`; we turn
`nullable: true` into an explicit `null` alternative and validate with a draft-4 validator,
resolving `$ref`s against the whole document through `referencing`.

Data Center (v2) and Cloud's v2 resources are the v3 ones under `/rest/api/2`, so requests to
`/rest/api/2/...` and `/rest/api/latest/...` are checked against the `/rest/api/3/...` entry.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tests.fakes.openapi import OpenApiContract
from tests.specs.manifest import spec_file

SPEC_ENV = "SYNCD_JIRA_SPEC"
_VERSION_RE = re.compile(r"^/rest/api/(?:2|latest)(/|$)")


def spec_path() -> Path:
    """The trimmed description in the repository (`tests/specs/`), unless $SYNCD_JIRA_SPEC
    names another file (e.g. the full upstream one)."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    return spec_file("jira")


def _as_v3(path: str) -> str:
    return _VERSION_RE.sub(r"/rest/api/3\1", path.split("?", 1)[0].rstrip("/"))


CONTRACT = OpenApiContract(
    "Jira v3",
    "urn:jira-cloud-platform-v3",
    lambda: spec_path(),
    _as_v3,
    drops_null_fields=True,  # as Jira's JSON reader does
    python_booleans=True,
    checks=lambda path: path.startswith("/rest/api/"),
)
load_spec = CONTRACT.load_spec
spec_template = CONTRACT.spec_template
validate_request = CONTRACT.validate_request
validate_response = CONTRACT.validate_response
schema_validator = CONTRACT.schema_validator
validate_schema = CONTRACT.validate_schema
validate_requests = CONTRACT.validate_requests
