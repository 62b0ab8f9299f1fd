"""Reading the Kubernetes manifests of deploy/kubernetes the way `kubectl apply -k` would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES_DIR = ROOT / "deploy" / "kubernetes"
KUSTOMIZATION = KUBERNETES_DIR / "kustomization.yaml"
SECRET_EXAMPLE = KUBERNETES_DIR / "secret.example.yaml"

Manifest = dict[str, Any]


def yaml_documents(path: Path) -> list[Manifest]:
    """Every non-empty YAML document of a file (a manifest file may hold several)."""
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def kustomization() -> Manifest:
    documents = yaml_documents(KUSTOMIZATION)
    assert len(documents) == 1, "kustomization.yaml holds exactly one document"
    return documents[0]


def resource_files() -> list[Path]:
    """The files listed under `resources:` of the kustomization, in order."""
    return [KUBERNETES_DIR / name for name in kustomization()["resources"]]


def manifests() -> list[Manifest]:
    """Every object `kubectl apply -k deploy/kubernetes` applies (before image rewriting)."""
    return [doc for path in resource_files() for doc in yaml_documents(path)]


def one(kind: str, name: str | None = None) -> Manifest:
    found = [
        m
        for m in manifests()
        if m["kind"] == kind and (name is None or m["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_spec() -> Manifest:
    spec: Manifest = one("Deployment")["spec"]["template"]["spec"]
    return spec


def containers() -> Iterator[Manifest]:
    spec = pod_spec()
    yield from spec.get("initContainers", [])
    yield from spec["containers"]
