"""Checks requests and answers against incident.io's public API description, trimmed to the
paths the source reads (`tests/specs/incident-io-public.json`)."""

from __future__ import annotations

from tests.fakes.openapi import OpenApiContract
from tests.specs.manifest import spec_file

CONTRACT = OpenApiContract(
    "incident.io",
    "urn:incident-io-public",
    lambda: spec_file("incident_io"),
    lambda path: path.split("?", 1)[0].rstrip("/") or "/",
)
load_spec = CONTRACT.load_spec
validate_request = CONTRACT.validate_request
validate_response = CONTRACT.validate_response
validate_schema = CONTRACT.validate_schema
validate_requests = CONTRACT.validate_requests
