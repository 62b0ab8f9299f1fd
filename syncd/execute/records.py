"""The state store's mirror rows as the planner's ``MirrorRecord``s, and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from syncd.mirror.model import IssueFields, MirrorRecord
from syncd.mirror.operations import SetBase, fields_as_json, fields_from_json
from syncd.store import TrackerLink


def base_json(
    base: IssueFields, source_base: IssueFields | None, conflicts: frozenset[str]
) -> dict[str, Any]:
    """One ``sync_bases`` row: both sides of the three-way comparison and the open conflicts."""
    return {
        "base": fields_as_json(base),
        "source_base": None if source_base is None else fields_as_json(source_base),
        "conflicts": sorted(conflicts),
    }


def base_json_of(op: SetBase) -> dict[str, Any]:
    return base_json(op.base, op.source_base, op.conflicts)


def mirror_records(
    links: Mapping[str, TrackerLink], bases: Mapping[str, Mapping[str, Any]]
) -> dict[str, MirrorRecord]:
    """Every item that has both an issue and a base; a link without a base is re-adopted."""
    records: dict[str, MirrorRecord] = {}
    for item_id, link in links.items():
        stored = bases.get(item_id)
        if stored is None:
            continue
        source = stored.get("source_base")
        records[item_id] = MirrorRecord(
            item_id=item_id,
            key=link.key,
            base=fields_from_json(stored["base"]),
            tracker_done=link.tracker_done,
            resolution=link.resolution,
            source_base=None if source is None else fields_from_json(source),
            conflicts=frozenset(stored.get("conflicts", ())),
            adopted=link.adopted,
        )
    return records
