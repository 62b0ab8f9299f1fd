"""Trim a full OpenAPI 3 description to the paths the project uses.

The trimmed file keeps each kept path item whole (every method, so "the spec's X has no PUT"
stays true to upstream), every `components` entry those paths reach through `$ref` or a
discriminator mapping, transitively (so validation is exactly as strict as with the full file),
the security schemes and tags the kept operations name, and `openapi`, `info`, `servers`,
`externalDocs`, `security`. Top-level extensions (`x-webhooks`, `x-atlassian-narrative`) are
left out. It adds one key, `x-syncd-trimmed`: where the full file came from, its `info.version`
and git blob, the date trimmed, and `omittedPaths`, every upstream path left out, so a contract
check can tell "trimmed away" from "no such path" and match paths exactly as the full file would.

Output is canonical JSON (sorted keys, one-space indent, UTF-8, final newline): the same input
gives the same bytes.

    python -m tests.specs.trim FULL.json --spec jira          # per manifest.toml, into this folder
    python -m tests.specs.trim FULL.json --spec jira --check  # exit 1 if the file would change
    python -m tests.specs.trim FULL.json --paths /a /b/{id} -o OUT.json  # ad hoc
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tests.specs.manifest import ManifestError, SpecEntry, load_manifest

STAMP_KEY = "x-syncd-trimmed"
_TOP_LEVEL = ("openapi", "info", "servers", "externalDocs", "security")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class TrimError(ValueError):
    """The full description cannot be trimmed as asked (unknown path, dangling reference...)."""


def git_blob_sha(data: bytes) -> str:
    """What `git hash-object` prints for a file with these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _references(node: Any) -> Iterator[str]:
    """Every reference in a node: `$ref` strings and discriminator mapping targets."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, list):
            stack.extend(current)
        elif isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref
            discriminator = current.get("discriminator")
            if isinstance(discriminator, dict) and isinstance(discriminator.get("mapping"), dict):
                for target in discriminator["mapping"].values():
                    # A mapping value is a reference, or the bare name of a component schema.
                    yield target if "/" in target else f"#/components/schemas/{target}"
            stack.extend(current.values())


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _resolve(document: dict[str, Any], ref: str) -> Any:
    target: Any = document
    for part in ref.removeprefix("#/").split("/"):
        key: Any = _unescape(part)
        if isinstance(target, list) and key.isdigit() and int(key) < len(target):
            target = target[int(key)]
        elif isinstance(target, dict) and key in target:
            target = target[key]
        else:
            raise TrimError(f"reference {ref!r} points at nothing in the full description")
    return target


def _component(ref: str, kept_paths: Iterable[str]) -> tuple[str, str] | None:
    """(section, name) of the `components` entry a reference lies in; None for a kept path."""
    if not ref.startswith("#/"):
        raise TrimError(f"reference {ref!r} leaves the document; only local references are kept")
    parts = [_unescape(p) for p in ref.removeprefix("#/").split("/")]
    if len(parts) >= 3 and parts[0] == "components":
        return parts[1], parts[2]
    if len(parts) >= 2 and parts[0] == "paths" and parts[1] in kept_paths:
        return None
    raise TrimError(f"reference {ref!r} is neither into components nor into a kept path")


def reachable_components(
    document: dict[str, Any], roots: Iterable[Any], kept_paths: Iterable[str] = ()
) -> dict[str, set[str]]:
    """Every `components` entry reachable from the roots, transitively: section → names."""
    kept = set(kept_paths)
    found: dict[str, set[str]] = {}
    pending = list(roots)
    while pending:
        for ref in _references(pending.pop()):
            where = _component(ref, kept)
            _resolve(document, ref)  # a dangling reference upstream is an error, not a gap
            if where is None:
                continue
            section, name = where
            if name not in found.setdefault(section, set()):
                found[section].add(name)
                pending.append(document["components"][section][name])
    return found


def _operations(paths: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in paths.values():
        for method in _METHODS:
            if isinstance(item.get(method), dict):
                yield item[method]


def _security_names(requirements: Any) -> set[str]:
    return {name for requirement in requirements or () for name in requirement}


def trim(
    document: dict[str, Any],
    keep: Sequence[str],
    *,
    schemas: Sequence[str] = (),
    stamp: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The trimmed description (a new document; the input is not changed)."""
    upstream_paths = document.get("paths", {})
    missing = [p for p in keep if p not in upstream_paths]
    if missing:
        raise TrimError(f"the full description has no path {', '.join(missing)}")
    upstream_schemas = document.get("components", {}).get("schemas", {})
    unknown = [s for s in schemas if s not in upstream_schemas]
    if unknown:
        raise TrimError(f"the full description has no component schema {', '.join(unknown)}")
    paths = {p: upstream_paths[p] for p in keep}
    roots: list[Any] = [paths, *({"$ref": f"#/components/schemas/{s}"} for s in schemas)]
    reached = reachable_components(document, roots, keep)
    operations = list(_operations(paths))
    security = _security_names(document.get("security"))
    for operation in operations:
        security |= _security_names(operation.get("security"))
    upstream_components = document.get("components", {})
    undefined = sorted(security - set(upstream_components.get("securitySchemes", {})))
    if undefined:
        raise TrimError(f"security scheme {', '.join(undefined)} is not in components")
    if security:
        reached.setdefault("securitySchemes", set()).update(security)
    components = {
        section: {name: upstream_components[section][name] for name in sorted(names)}
        for section, names in reached.items()
        if names
    }
    trimmed: dict[str, Any] = {k: document[k] for k in _TOP_LEVEL if k in document}
    trimmed["paths"] = paths
    trimmed["components"] = components
    used_tags = {tag for operation in operations for tag in operation.get("tags", ())}
    tags = [t for t in document.get("tags", ()) if t.get("name") in used_tags]
    if tags:
        trimmed["tags"] = tags
    trimmed[STAMP_KEY] = {
        **(stamp or {}),
        "omittedPaths": sorted(set(upstream_paths) - set(keep)),
    }
    return trimmed


def trim_file(full: Path, entry: SpecEntry) -> str:
    """The trimmed file's text for a manifest entry, after checking the full file is the one
    the manifest describes (so the provenance recorded stays true)."""
    data = full.read_bytes()
    blob = git_blob_sha(data)
    if blob != entry.blob:
        raise TrimError(
            f"{full.name} is git blob {blob}, but manifest.toml [{entry.name}] records "
            f"{entry.blob}: describe the new file there first (source, blob, upstream_version, "
            "trimmed)"
        )
    document = _load(full, data)
    version = document.get("info", {}).get("version")
    if version != entry.upstream_version:
        raise TrimError(
            f"{full.name} has info.version {version!r}, but manifest.toml [{entry.name}] "
            f"records {entry.upstream_version!r}"
        )
    stamp = {
        "source": entry.source,
        "upstreamBlob": blob,
        "upstreamVersion": version,
        "trimmed": entry.trimmed.isoformat(),
        "refresh": f"python -m tests.specs.trim FULL.json --spec {entry.name}"
        " (see tests/specs/README.md)",
    }
    return canonical_json(trim(document, entry.paths, schemas=entry.schemas, stamp=stamp))


def _load(full: Path, data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TrimError(f"{full.name}: not JSON: {error}") from None
    if not isinstance(document, dict) or not str(document.get("openapi", "")).startswith("3."):
        raise TrimError(f"{full.name}: not an OpenAPI 3 description (no 'openapi: 3.x')")
    return document


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.specs.trim",
        description="Trim a full OpenAPI 3 description to the paths the project uses.",
    )
    parser.add_argument("full", type=Path, help="the full upstream description (JSON)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--spec", help="a manifest.toml entry: jira, github, confluence, ...")
    which.add_argument("--paths", nargs="+", metavar="PATH", help="path templates to keep")
    parser.add_argument("--schemas", nargs="*", default=[], help="extra component schemas")
    parser.add_argument("-o", "--output", type=Path, help="where to write (default: manifest)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on change")
    args = parser.parse_args(argv)
    if args.paths and args.output is None:
        parser.error("--paths needs -o/--output")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        if args.spec:
            entries = load_manifest()
            if args.spec not in entries:
                raise TrimError(f"manifest.toml has no [{args.spec}]: {', '.join(entries)}")
            entry = entries[args.spec]
            if entry.format != "openapi":
                raise TrimError(
                    f"[{args.spec}] is a {entry.format} document, kept whole: copy the new "
                    "file over it and update its manifest entry (tests/specs/README.md)"
                )
            text = trim_file(args.full, entry)
            output = args.output or entry.path
        else:
            data = args.full.read_bytes()
            stamp = {"source": {"file": args.full.name}, "upstreamBlob": git_blob_sha(data)}
            document = _load(args.full, data)
            text = canonical_json(trim(document, args.paths, schemas=args.schemas, stamp=stamp))
            output = args.output
    except (TrimError, ManifestError, OSError) as error:
        print(f"trim: {error}", file=sys.stderr)
        return 2
    current = output.read_text(encoding="utf-8") if output.exists() else None
    if args.check:
        verdict = "is up to date" if current == text else "would change"
        print(f"{output.name} {verdict}")
        return 0 if current == text else 1
    output.write_text(text, encoding="utf-8")
    kept = json.loads(text)
    print(
        f"{output.name}: {len(kept['paths'])} paths, "
        f"{sum(len(v) for v in kept['components'].values())} components, "
        f"{len(text.encode()):,} bytes{'' if current != text else ' (unchanged)'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
