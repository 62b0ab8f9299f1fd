"""The cache's JSON gives back exactly the extraction it was made from, and refuses the rest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connectors.google_docs.codec import decode, encode
from connectors.google_docs.worker import extract_export
from syncd.connector.model import ExtractedDocument
from tests.google_docs.support import fixture_texts


def _extractions() -> list[ExtractedDocument]:
    found = [extract_export((text, name, "drive")) for name, text in fixture_texts().items()]
    return [d for d in found if isinstance(d, ExtractedDocument)]


def test_every_fixture_comes_back_equal_through_json() -> None:
    documents = _extractions()
    assert any(d.explanations for d in documents)  # the decisions for --explain travel too
    for document in documents:
        assert decode(json.loads(json.dumps(encode(document)))) == document


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["items"][0].update(line="32"),
        lambda d: d["items"][0].update(done=1),
        lambda d: d["items"][0].update(tracker_refs=[7]),
        lambda d: d["items"][0].pop("title"),
        lambda d: d["postmortem"].update(date="yesterday"),
        lambda d: d["postmortem"].update(colour="red"),
        lambda d: d.pop("problems"),
        lambda d: d["explanations"][0].update(taken="yes"),
    ],
)
def test_a_damaged_entry_is_refused(damage: Any) -> None:
    document = next(d for d in _extractions() if d.items and d.postmortem.date)
    data = json.loads(json.dumps(encode(document)))
    damage(data)
    with pytest.raises(ValueError):
        decode(data)
