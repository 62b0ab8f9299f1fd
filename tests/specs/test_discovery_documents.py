"""A discovery document kept whole is byte-for-byte what the manifest records, and holds the
methods it names."""

from __future__ import annotations

import json

import pytest

from tests.specs.manifest import load_manifest
from tests.specs.trim import git_blob_sha

ENTRIES = {n: e for n, e in load_manifest().items() if e.format == "discovery"}


def test_the_drive_document_is_a_discovery_entry() -> None:
    assert sorted(ENTRIES) == ["google_drive"]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_discovery_document_is_unchanged_and_holds_its_methods(name: str) -> None:
    entry = ENTRIES[name]
    data = entry.path.read_bytes()
    assert git_blob_sha(data) == entry.blob, "changed since saved: restore it or re-record it"
    document = json.loads(data)
    assert document["kind"] == "discovery#restDescription"
    assert document["revision"] == entry.upstream_version
    paths = {
        "/" + method["path"]
        for resource in document["resources"].values()
        for method in resource.get("methods", {}).values()
    }
    assert set(entry.paths) <= paths
