"""``FieldChanges``: the typed changes of an ``UpdateIssue``."""

from __future__ import annotations

from datetime import date

import pytest

from syncd.mirror.operations import KEEP, LABELS_TO_ADD, FieldChanges


def test_only_the_fields_changed_are_listed_in_mirrored_order() -> None:
    changes = FieldChanges(
        labels_to_add=frozenset({"sev-1"}), due=None, summary="New", priority=KEEP
    )
    assert list(changes.items()) == [
        ("summary", "New"),
        ("due", None),
        (LABELS_TO_ADD, frozenset({"sev-1"})),
    ]
    assert changes and not FieldChanges() and not FieldChanges(labels_to_add=frozenset())


def test_an_assignee_is_never_cleared() -> None:
    with pytest.raises(ValueError, match="never clears an assignee"):
        FieldChanges(assignee=None)  # type: ignore[arg-type]


def test_from_a_plan_s_mapping_a_field_syncd_does_not_own_is_refused() -> None:
    assert FieldChanges.of({"due": date(2027, 1, 1)}) == FieldChanges(due=date(2027, 1, 1))
    with pytest.raises(ValueError, match="status"):
        FieldChanges.of({"status": "Done"})
    with pytest.raises(TypeError, match="due"):
        FieldChanges.of({"due": "2027-01-01"})
    with pytest.raises(TypeError, match=LABELS_TO_ADD):
        FieldChanges.of({LABELS_TO_ADD: ["sev-1"]})
