"""The import-linter contract "connectors import only the kit" cannot go stale: it names every
top-level module of syncd but the kit, so a new module is forbidden to connectors from the start."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import tomllib
from pathlib import Path

import pytest

import syncd
import syncd.connector

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
CONTRACT_ID = "connectors-import-only-the-kit"


def _contract() -> dict[str, object]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    [contract] = [c for c in contracts if c.get("id") == CONTRACT_ID]
    return dict(contract)


def test_every_top_level_module_of_syncd_but_the_kit_is_forbidden_to_connectors() -> None:
    modules = {f"syncd.{m.name}" for m in pkgutil.iter_modules(syncd.__path__)}
    forbidden = set(_contract()["forbidden_modules"])  # type: ignore[call-overload]

    assert "syncd.connector" in modules
    missing = sorted(modules - forbidden - {"syncd.connector"})
    assert not missing, f"add to the contract {CONTRACT_ID!r} in pyproject.toml: {missing}"
    assert "syncd.connector" not in forbidden
    assert not sorted(forbidden - modules), "the contract names modules that no longer exist"


def test_the_contract_applies_to_every_connector() -> None:
    contract = _contract()
    assert contract["type"] == "forbidden"
    assert contract["source_modules"] == ["connectors"]


def _kit_modules() -> list[str]:
    found = pkgutil.walk_packages(syncd.connector.__path__, "syncd.connector.")
    return sorted(m.name for m in found)


@pytest.mark.parametrize("name", _kit_modules())
def test_every_kit_module_says_what_it_offers(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no docstring"
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} has no __all__"
    assert [n for n in exported if not hasattr(module, n)] == []


def test_the_kit_package_itself_imports_nothing() -> None:
    # A pure part of a connector (the markdown parser) imports ``syncd.connector.model``: the
    # package's own module must not load the HTTP stack or pydantic on the way.
    tree = ast.parse((Path(syncd.__file__).parent / "connector" / "__init__.py").read_text())
    imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [getattr(n, "module", None) for n in imports] == ["__future__"]
