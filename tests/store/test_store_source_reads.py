"""The mass-removal guard's memory: each source's last good read and the loss it holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from syncd.store import (
    DocumentSeen,
    ReadOnlyStateStoreError,
    SourceRead,
    StateStore,
    StateStoreError,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)


def _read(store: StateStore, source: str, names: set[str], at: datetime) -> None:
    """A cycle's good read: its documents recorded, then remembered as the last good read."""
    store.record_documents("payments", source, {n: DocumentSeen(title=n) for n in names}, at=at)
    store.record_good_read("payments", source, names, at=at)


def test_a_good_read_is_remembered_and_a_later_one_replaces_it(store: StateStore) -> None:
    assert store.source_reads("payments") == {}
    _read(store, "pm", {"a.md", "b.md", "c.md"}, T0)
    _read(store, "wiki", {"x.md"}, T0)
    assert store.source_reads("payments") == {
        "pm": SourceRead("payments", "pm", frozenset({"a.md", "b.md", "c.md"}), T0),
        "wiki": SourceRead("payments", "wiki", frozenset({"x.md"}), T0),
    }
    _read(store, "pm", {"a.md", "d.md"}, T1)  # b and c gone, d new
    pm = store.source_reads("payments")["pm"]
    assert (pm.documents, pm.read_at) == (frozenset({"a.md", "d.md"}), T1)
    # The documents table still knows b and c (their first sighting dates a postmortem).
    assert set(store.document_first_seen("payments", "pm")) == {"a.md", "b.md", "c.md", "d.md"}
    assert store.source_reads("payments")["wiki"].documents == {"x.md"}
    assert store.source_reads("search") == {}


def test_a_held_read_keeps_the_last_good_read_until_a_good_one_ends_it(
    store: StateStore,
) -> None:
    _read(store, "pm", {"a.md", "b.md"}, T0)
    # The held cycle recorded what it read (a new document) but not as the last good read.
    store.record_documents("payments", "pm", {"other.md": DocumentSeen()}, at=T1)
    store.record_held_read("payments", "pm", cycles=1, since=T1, note="held: 0 of 2", at=T1)
    store.record_held_read("payments", "pm", cycles=2, since=T1, note="held again", at=T2)
    pm = store.source_reads("payments")["pm"]
    assert pm == SourceRead(
        "payments",
        "pm",
        frozenset({"a.md", "b.md"}),
        T0,
        held_cycles=2,
        held_since=T1,
        held_at=T2,
        held_note="held again",
    )
    store.record_good_read("payments", "pm", {"other.md"}, at=T2)  # confirmed
    pm = store.source_reads("payments")["pm"]
    assert (pm.documents, pm.held_cycles, pm.held_since, pm.held_note) == (
        frozenset({"other.md"}),
        0,
        None,
        None,
    )


def test_a_source_never_read_well_has_nothing_to_hold(store: StateStore) -> None:
    with pytest.raises(StateStoreError, match="no good read recorded"):
        store.record_held_read("payments", "pm", cycles=1, since=T0, note="held", at=T0)


def test_many_documents_are_marked_in_chunks(store: StateStore) -> None:
    names = {f"{n:05d}.md" for n in range(2_500)}
    _read(store, "pm", names, T0)
    assert store.source_reads("payments")["pm"].documents == names
    _read(store, "pm", set(sorted(names)[:100]), T1)
    assert len(store.source_reads("payments")["pm"].documents) == 100


def test_a_read_only_store_records_nothing(store_url: str, store: StateStore) -> None:
    _read(store, "pm", {"a.md"}, T0)
    with StateStore.open(store_url, readonly=True) as readonly:
        assert readonly.source_reads("payments")["pm"].documents == {"a.md"}
        with pytest.raises(ReadOnlyStateStoreError):
            readonly.record_good_read("payments", "pm", set(), at=T1)
        with pytest.raises(ReadOnlyStateStoreError):
            readonly.record_held_read("payments", "pm", cycles=1, since=T1, note="x", at=T1)
