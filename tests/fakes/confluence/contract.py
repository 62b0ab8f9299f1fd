"""Checks requests and answers against Atlassian's Confluence Cloud REST v2 description,
trimmed to the paths used (`tests/specs/`). Its server is `https://{site}/wiki/api/v2`, so a
request's `/wiki/api/v2` prefix is taken off before the path is looked up.

Data Center's `/rest/api/content` has no official description here: its shapes are checked by
hand in `tests/fakes/test_fake_confluence_contract.py`.
"""

from __future__ import annotations

from pathlib import Path

from tests.fakes.openapi import OpenApiContract
from tests.specs.manifest import spec_file

PREFIX = "/wiki/api/v2"


def spec_path() -> Path:
    return spec_file("confluence")


def _unprefixed(path: str) -> str:
    path = path.split("?", 1)[0].rstrip("/")
    return path[len(PREFIX) :] if path.startswith(PREFIX) else path


CONTRACT = OpenApiContract(
    "Confluence Cloud v2",
    "urn:confluence-cloud-v2",
    spec_path,
    _unprefixed,
    checks=lambda path: path.startswith(PREFIX),
)
load_spec = CONTRACT.load_spec
validate_request = CONTRACT.validate_request
validate_response = CONTRACT.validate_response
validate_requests = CONTRACT.validate_requests
