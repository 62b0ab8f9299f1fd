"""The trimmed descriptions in this folder are what the manifest says, closed under `$ref`
(so validation against them is exactly as strict as against the full files), canonical, small,
and carry their provenance."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.specs.manifest import MANIFEST, ManifestError, SpecEntry, load_manifest, parse_manifest
from tests.specs.trim import STAMP_KEY, canonical_json, reachable_components

ALL_ENTRIES = load_manifest()
# The OpenAPI descriptions, trimmed by trim.py; a discovery document is kept whole
# (test_discovery_documents.py).
ENTRIES = {name: e for name, e in ALL_ENTRIES.items() if e.format == "openapi"}
MAX_BYTES = 1_000_000


def _document(entry: SpecEntry) -> tuple[str, dict[str, Any]]:
    text = entry.path.read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return text, document


def test_the_manifest_describes_the_descriptions_the_project_carries() -> None:
    assert sorted(ALL_ENTRIES) == ["confluence", "github", "google_drive", "incident_io", "jira"]
    files = sorted(p.name for p in MANIFEST.parent.glob("*.json"))
    assert files == sorted(e.file for e in ALL_ENTRIES.values())  # no stray or missing file


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_trimmed_file_keeps_exactly_the_manifest_paths(name: str) -> None:
    entry = ENTRIES[name]
    _, document = _document(entry)
    assert sorted(document["paths"]) == sorted(entry.paths)
    omitted = document[STAMP_KEY]["omittedPaths"]
    assert omitted == sorted(omitted) and not set(omitted) & set(entry.paths)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_trimmed_file_holds_every_component_its_paths_reach_and_no_other(name: str) -> None:
    """Every reference resolves inside the file (a dangling one raises), and nothing is kept
    that nothing reaches: the file is its own trim, component for component."""
    entry = ENTRIES[name]
    _, document = _document(entry)
    roots = [document["paths"], *({"$ref": f"#/components/schemas/{s}"} for s in entry.schemas)]
    reached = reachable_components(document, roots, entry.paths)
    held = {section: set(names) for section, names in document["components"].items()}
    held.pop("securitySchemes", None)
    assert {s: names for s, names in reached.items() if names} == held


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_trimmed_file_is_canonical_and_well_under_a_megabyte(name: str) -> None:
    text, document = _document(ENTRIES[name])
    assert text == canonical_json(document), "edited by hand? regenerate it with trim.py"
    assert len(text.encode()) < MAX_BYTES


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_a_trimmed_file_carries_the_provenance_the_manifest_records(name: str) -> None:
    entry = ENTRIES[name]
    _, document = _document(entry)
    stamp = document[STAMP_KEY]
    assert stamp["source"] == entry.source
    assert stamp["upstreamBlob"] == entry.blob
    assert stamp["upstreamVersion"] == entry.upstream_version == document["info"]["version"]
    assert stamp["trimmed"] == entry.trimmed.isoformat()
    assert f"--spec {name}" in stamp["refresh"]
    assert document["openapi"].startswith("3.")


@pytest.mark.parametrize("name", sorted(ALL_ENTRIES))
def test_the_provenance_names_no_local_file_or_registry_host(name: str) -> None:
    """Facts about where a file came from are repositories, packages and URLs: never a path on
    the machine that trimmed it (a token starting with `/` or `~`, a `file:` URL)."""
    for fact in ALL_ENTRIES[name].source.values():
        assert not re.search(r"(^|[\s\"'(])[/~]", fact), fact
        assert "file:" not in fact and "registry." not in fact, fact


# --- the manifest's own errors name file, line and field --------------------------------------

_GOOD = """\
# comment
[acme]
file = "acme.json"
upstream_version = "1.0"
blob = "ce013625030ba8dba906f756967f9e9ca394464a"
trimmed = 2024-02-29
paths = ["/a"]

[acme.source]
repository = "github.com/acme/api"
"""


def test_a_good_manifest_parses() -> None:
    [entry] = parse_manifest(_GOOD, "manifest.toml").values()
    assert (entry.name, entry.paths, entry.schemas) == ("acme", ("/a",), ())
    assert entry.path.name == "acme.json" and entry.path.parent == MANIFEST.parent


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('paths = ["/a"]\n', "", "line 2: field 'paths' must be a list"),
        ('paths = ["/a"]', 'paths = ["/a", "/a"]', "line 2: field 'paths' lists /a twice"),
        ('paths = ["/a"]', 'paths = ["a"]', "field 'paths': 'a' does not start with '/'"),
        ("trimmed = 2024-02-29", 'trimmed = "2024-02-29"', "field 'trimmed' must be a date"),
        ('blob = "ce01', 'blob = "CE01', "field 'blob' must be 40 lowercase hex"),
        ('file = "acme.json"', 'file = "../acme.json"', "field 'file' must be a .json file"),
        ('file = "acme.json"', 'fiel = "acme.json"', "unknown field 'fiel' in [acme]"),
        ('repository = "github.com/acme/api"', "repository = 1", "[acme.source] must be a str"),
        ("[acme.source]", "[acme.sauce]", "unknown field 'sauce'"),
        ('upstream_version = "1.0"', 'upstream_version = "1.0', "(at line 4"),
    ],
)
def test_a_bad_manifest_is_refused_naming_file_line_and_field(
    old: str, new: str, message: str
) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_manifest(_GOOD.replace(old, new), "manifest.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("manifest.toml")
