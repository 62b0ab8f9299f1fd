"""Sync bases: the mirrored fields as last synced, per item, upserted in batches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from syncd.store import StateStore, StateStoreError
from syncd.store.tables import sync_bases
from tests.store.mirror_records import T0, build_base
from tests.store.statement_counter import count_statements

T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)


def _updated_at(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = conn.execute(select(sync_bases.c.item_id, sync_bases.c.updated_at)).all()
    return {item_id: updated_at for item_id, updated_at in rows}


def test_a_base_round_trips_as_json(store: StateStore) -> None:
    base = build_base()
    store.save_bases("payments", {"item-1": base}, at=T0)

    assert store.bases("payments") == {"item-1": base}
    assert store.bases("search") == {}


def test_json_comes_back_as_json_does(store: StateStore) -> None:
    base: dict[str, Any] = {
        "summary": "Alert on lag",
        "assignee": None,
        "due": None,
        "labels": ("sre", "postmortem"),  # kept in the order given, as a list
        "nested": {"b": 1, "a": [1.5, True]},
    }
    store.save_bases("payments", {"item-1": base}, at=T0)

    assert store.bases("payments")["item-1"] == {
        "summary": "Alert on lag",
        "assignee": None,
        "due": None,
        "labels": ["sre", "postmortem"],
        "nested": {"a": [1.5, True], "b": 1},
    }


def test_saving_again_replaces_the_base_and_moves_updated_at_only_when_it_changed(
    store: StateStore, raw_engine: Engine
) -> None:
    store.save_bases("payments", {"same": build_base(), "edited": build_base()}, at=T0)

    reordered = dict(reversed(list(build_base().items())))  # equal, keys in another order
    store.save_bases(
        "payments", {"same": reordered, "edited": build_base("Alert on lag above 10s")}, at=T1
    )

    assert store.bases("payments") == {
        "same": build_base(),
        "edited": build_base("Alert on lag above 10s"),
    }
    assert _updated_at(raw_engine) == {"same": T0, "edited": T1}


def test_bases_of_teams_are_kept_apart_and_never_taken_over(store: StateStore) -> None:
    store.save_bases("search", {"shared": build_base("theirs")}, at=T0)

    with pytest.raises(StateStoreError, match="already belong to another team"):
        store.save_bases("payments", {"new": build_base(), "shared": build_base("ours")}, at=T1)

    assert store.bases("payments") == {}  # the whole save was rolled back
    assert store.bases("search") == {"shared": build_base("theirs")}


@pytest.mark.parametrize(
    ("bases", "message"),
    [
        ({"item-1": {"due": T0.date()}}, "cannot be stored as JSON"),
        ({"item-1": ["not", "a", "mapping"]}, "must be a mapping"),
        ({"x" * 41: build_base()}, "longer than 40"),
    ],
)
def test_a_bad_base_is_a_caller_error_and_nothing_is_saved(
    store: StateStore, bases: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        store.save_bases("payments", {"fine": build_base(), **bases}, at=T0)
    assert store.bases("payments") == {}


def test_a_naive_time_is_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        store.save_bases("payments", {"item-1": build_base()}, at=T0.replace(tzinfo=None))
    assert store.bases("payments") == {}


def test_ten_thousand_bases_are_saved_in_a_few_statements(
    store: StateStore, raw_engine: Engine
) -> None:
    ids = [f"item-{n:05d}" for n in range(10_000)]

    with count_statements() as first_save:
        store.save_bases("payments", {item_id: build_base(item_id) for item_id in ids}, at=T0)
    changed = {item_id: build_base(f"{item_id} edited") for item_id in ids[::2]}
    unchanged = {item_id: build_base(item_id) for item_id in ids[1::2]}
    with count_statements() as second_save:
        store.save_bases("payments", {**changed, **unchanged}, at=T1)

    # Reading the ids of other teams takes a statement per 1,000 ids; the upsert is one.
    assert 1 <= len(first_save) <= 20, first_save
    assert 1 <= len(second_save) <= 20, second_save
    stored = store.bases("payments")
    assert len(stored) == 10_000
    assert stored["item-00000"]["summary"] == "item-00000 edited"
    assert stored["item-00001"]["summary"] == "item-00001"
    updated_at = _updated_at(raw_engine)
    assert {updated_at[item_id] for item_id in changed} == {T1}
    assert {updated_at[item_id] for item_id in unchanged} == {T0}


def test_saving_no_bases_does_nothing(store: StateStore) -> None:
    with count_statements() as statements:
        store.save_bases("payments", {}, at=T0)
    assert statements == []
    assert store.bases("payments") == {}
