"""The trim tool keeps exactly what the kept paths reach, refuses what it cannot keep honestly,
and writes the same bytes for the same input."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.specs import trim as trim_module
from tests.specs.manifest import SpecEntry
from tests.specs.trim import STAMP_KEY, TrimError, canonical_json, git_blob_sha, main, trim


def _ref(section: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{section}/{name}"}


def _full() -> dict[str, Any]:
    """A small full description exercising every way a kept path reaches a component."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Acme", "version": "7.1.0"},
        "servers": [{"url": "https://api.acme.test"}],
        "tags": [{"name": "widgets"}, {"name": "gadgets"}, {"name": "unused"}],
        "x-webhooks": {"big": {"post": {"responses": {}}}},
        "paths": {
            "/widgets/{id}": {
                "parameters": [_ref("parameters", "WidgetId")],
                "get": {
                    "tags": ["widgets"],
                    "security": [{"basicAuth": []}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {"Link": _ref("headers", "link")},
                            "content": {
                                "application/json": {
                                    "schema": _ref("schemas", "Widget"),
                                    "examples": {"one": _ref("examples", "widget")},
                                }
                            },
                        },
                        "404": _ref("responses", "not_found"),
                    },
                },
                "delete": {"tags": ["gadgets"], "responses": {"204": {"description": "gone"}}},
            },
            "/widgets": {
                "post": {
                    "requestBody": _ref("requestBodies", "NewWidget"),
                    "responses": {"201": {"description": "made"}},
                }
            },
            "/widgets/search": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/gadgets": {
                "get": {
                    "tags": ["unused"],
                    "security": [{"oauth": ["read"]}],
                    "responses": {"200": {"content": {"application/json": {"schema": {}}}}},
                }
            },
        },
        "components": {
            "schemas": {
                "Widget": {
                    "type": "object",
                    "properties": {
                        "owner": _ref("schemas", "User"),
                        "parts": {"type": "array", "items": _ref("schemas", "Part")},
                        "shape": {
                            "oneOf": [_ref("schemas", "Round")],
                            "discriminator": {
                                "propertyName": "kind",
                                "mapping": {
                                    "round": "#/components/schemas/Round",
                                    "tri": "#/components/schemas/Triangle",
                                    "hex": "Hexagon",  # a bare schema name
                                },
                            },
                        },
                    },
                },
                "User": {"type": "object", "properties": {"friend": _ref("schemas", "User")}},
                "Part": {"allOf": [_ref("schemas", "Widget")]},  # a cycle back to Widget
                "Round": {"type": "object"},
                "Triangle": {"type": "object"},
                "Hexagon": {"type": "object"},
                "Error": {"type": "object"},
                "Unused": {"properties": {"x": _ref("schemas", "AlsoUnused")}},
                "AlsoUnused": {"type": "string"},
                "Extra": {"properties": {"e": _ref("schemas", "ExtraChild")}},
                "ExtraChild": {"type": "integer"},
            },
            "parameters": {
                "WidgetId": {"name": "id", "in": "path", "required": True, "schema": {}},
                "Unused": {"name": "q", "in": "query"},
            },
            "responses": {
                "not_found": {
                    "description": "no",
                    "content": {"application/json": {"schema": _ref("schemas", "Error")}},
                }
            },
            "headers": {"link": {"schema": {"type": "string"}}, "unused": {}},
            "examples": {"widget": {"value": {"id": 1}}, "other": {"value": {}}},
            "requestBodies": {
                "NewWidget": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "properties": {
                                    "w": {"$ref": "#/components/schemas/Widget/properties/owner"}
                                }
                            }
                        }
                    }
                }
            },
            "securitySchemes": {"basicAuth": {"type": "http"}, "oauth": {"type": "oauth2"}},
        },
    }


def _names(trimmed: dict[str, Any]) -> dict[str, list[str]]:
    return {section: sorted(entries) for section, entries in trimmed["components"].items()}


def test_keeps_every_component_the_kept_paths_reach_transitively_and_nothing_else() -> None:
    trimmed = trim(_full(), ["/widgets/{id}", "/widgets"])
    assert _names(trimmed) == {
        "schemas": ["Error", "Hexagon", "Part", "Round", "Triangle", "User", "Widget"],
        "parameters": ["WidgetId"],
        "responses": ["not_found"],
        "headers": ["link"],
        "examples": ["widget"],
        "requestBodies": ["NewWidget"],
        "securitySchemes": ["basicAuth"],
    }
    assert sorted(trimmed["paths"]) == ["/widgets", "/widgets/{id}"]


def test_kept_path_items_and_components_are_copied_whole_and_unchanged() -> None:
    full = _full()
    trimmed = trim(full, ["/widgets/{id}"])
    assert trimmed["paths"]["/widgets/{id}"] == full["paths"]["/widgets/{id}"]
    assert "delete" in trimmed["paths"]["/widgets/{id}"]  # every method of a kept path
    assert trimmed["components"]["schemas"]["Widget"] == full["components"]["schemas"]["Widget"]
    assert trimmed["info"] == full["info"] and trimmed["servers"] == full["servers"]


def test_extra_schemas_are_kept_with_what_they_reach() -> None:
    trimmed = trim(_full(), ["/widgets/search"], schemas=["Extra"])
    assert _names(trimmed) == {"schemas": ["Extra", "ExtraChild"]}


def test_tags_are_those_of_kept_operations_and_top_level_extensions_are_dropped() -> None:
    trimmed = trim(_full(), ["/widgets/{id}"])
    assert trimmed["tags"] == [{"name": "widgets"}, {"name": "gadgets"}]
    assert "x-webhooks" not in trimmed


def test_the_stamp_lists_every_upstream_path_left_out_and_carries_the_given_facts() -> None:
    trimmed = trim(_full(), ["/widgets"], stamp={"upstreamVersion": "7.1.0"})
    assert trimmed[STAMP_KEY] == {
        "upstreamVersion": "7.1.0",
        "omittedPaths": ["/gadgets", "/widgets/search", "/widgets/{id}"],
    }


def test_the_input_is_not_changed() -> None:
    full = _full()
    before = copy.deepcopy(full)
    trim(full, ["/widgets/{id}"], schemas=["Extra"])
    assert full == before


def _reversed(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _reversed(node[k]) for k in reversed(list(node))}
    if isinstance(node, list):
        return [_reversed(x) for x in node]
    return node


def test_output_is_the_same_bytes_twice_and_whatever_the_key_order_of_the_input() -> None:
    keep = ["/widgets/{id}", "/widgets"]
    first = canonical_json(trim(_full(), keep))
    assert canonical_json(trim(_full(), keep)) == first
    assert canonical_json(trim(_reversed(_full()), list(reversed(keep)))) == first
    assert first.endswith("}\n") and json.loads(first)["paths"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: None, "has no path /nowhere"),
        (
            lambda d: d["paths"]["/widgets/search"]["get"].update({"$ref": "other.json#/x"}),
            "'other.json#/x' leaves the document",
        ),
        (
            lambda d: d["components"]["schemas"]["Widget"]["properties"].update(
                {"gone": _ref("schemas", "Missing")}
            ),
            "'#/components/schemas/Missing' points at nothing",
        ),
        (
            lambda d: d["paths"]["/widgets/search"]["get"].update({"$ref": "#/info/title"}),
            "neither into components nor into a kept path",
        ),
        (
            lambda d: d["components"].pop("securitySchemes"),
            "security scheme basicAuth is not in components",
        ),
    ],
)
def test_what_cannot_be_trimmed_honestly_is_refused_by_name(change: Any, message: str) -> None:
    full = _full()
    change(full)
    keep = ["/nowhere"] if "no path" in message else ["/widgets/{id}", "/widgets/search"]
    with pytest.raises(TrimError) as caught:
        trim(full, keep)
    assert message in str(caught.value)


def test_an_unknown_extra_schema_is_refused() -> None:
    with pytest.raises(TrimError, match="no component schema Nope"):
        trim(_full(), ["/widgets"], schemas=["Nope"])


def test_git_blob_sha_is_what_git_hash_object_prints() -> None:
    # `printf 'hello\n' | git hash-object --stdin`
    assert git_blob_sha(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"


# --- the command line -----------------------------------------------------------------------


def _write_full(tmp_path: Path) -> Path:
    full = tmp_path / "acme-full.json"
    full.write_text(json.dumps(_full()), encoding="utf-8")
    return full


def test_ad_hoc_paths_write_a_trimmed_file_and_check_sees_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full, out = _write_full(tmp_path), tmp_path / "out.json"
    assert main([str(full), "--paths", "/widgets", "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert sorted(json.loads(written)["paths"]) == ["/widgets"]
    assert json.loads(written)[STAMP_KEY]["source"] == {"file": "acme-full.json"}
    assert str(tmp_path) not in written  # no path of the machine goes into the file
    assert main([str(full), "--paths", "/widgets", "-o", str(out), "--check"]) == 0
    assert main([str(full), "--paths", "/widgets/{id}", "-o", str(out), "--check"]) == 1
    assert out.read_text(encoding="utf-8") == written  # --check writes nothing
    assert "would change" in capsys.readouterr().out


def _entry(full: Path, **changes: Any) -> SpecEntry:
    facts: dict[str, Any] = {
        "name": "acme",
        "file": "acme.json",
        "upstream_version": "7.1.0",
        "blob": git_blob_sha(full.read_bytes()),
        "trimmed": dt.date(2024, 2, 29),
        "paths": ("/widgets",),
        "schemas": ("Extra",),
        "source": {"repository": "github.com/acme/api", "commit": "0" * 40},
        **changes,
    }
    return SpecEntry(**facts)


def test_a_manifest_entry_stamps_its_provenance_into_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full, out = _write_full(tmp_path), tmp_path / "acme.json"
    monkeypatch.setattr(trim_module, "load_manifest", lambda: {"acme": _entry(full)})
    assert main([str(full), "--spec", "acme", "-o", str(out)]) == 0
    stamp = json.loads(out.read_text(encoding="utf-8"))[STAMP_KEY]
    assert stamp["source"] == {"repository": "github.com/acme/api", "commit": "0" * 40}
    assert stamp["upstreamBlob"] == git_blob_sha(full.read_bytes())
    assert stamp["upstreamVersion"] == "7.1.0"
    assert stamp["trimmed"] == "2024-02-29"
    assert "--spec acme" in stamp["refresh"]
    assert main([str(full), "--spec", "acme", "-o", str(out), "--check"]) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"blob": "f" * 40}, "records ffff"),
        ({"upstream_version": "7.0.0"}, "has info.version '7.1.0'"),
        ({"paths": ("/widgets", "/gone")}, "has no path /gone"),
    ],
)
def test_a_full_file_other_than_the_manifest_describes_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, Any],
    message: str,
) -> None:
    full, out = _write_full(tmp_path), tmp_path / "acme.json"
    monkeypatch.setattr(trim_module, "load_manifest", lambda: {"acme": _entry(full, **changes)})
    assert main([str(full), "--spec", "acme", "-o", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not JSON"), ('{"swagger": "2.0"}', "not an OpenAPI 3 description")],
)
def test_a_file_that_is_not_an_openapi_3_description_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    full = tmp_path / "bad.json"
    full.write_text(content, encoding="utf-8")
    assert main([str(full), "--paths", "/a", "-o", str(tmp_path / "out.json")]) == 2
    assert f"bad.json: {message}" in capsys.readouterr().err


def test_an_unknown_manifest_entry_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatever.json", "--spec", "nope"]) == 2
    assert "manifest.toml has no [nope]" in capsys.readouterr().err
