"""The standard suite of a source connector: reads, incremental reads, bad input, secrets."""

from __future__ import annotations

from abc import ABC, abstractmethod

import pytest

from syncd.connector.model import DocumentFailure, ExtractedDocument, RawItem
from syncd.connector.settings import ConnectorSettings
from syncd.connector.source import Source, SourceError
from syncd.connector.testing.secrets import assert_secrets_masked

__all__ = ["SourceHarness", "SourceSuite"]

Read = list[ExtractedDocument | DocumentFailure]


class SourceHarness(ABC):
    """How the suite builds a source and changes what it reads (files, a fake server...)."""

    @abstractmethod
    def source(self) -> Source:
        """A source over a fixture holding at least one document with action items."""

    @abstractmethod
    def change_a_document(self) -> None:
        """Edit one document so that the next read of it differs."""

    @abstractmethod
    def add_bad_document(self) -> None:
        """Add a document the source cannot read (undecodable, over its limits...)."""

    @abstractmethod
    def unreachable_source(self) -> Source:
        """A source that cannot be read at all (its location missing, access refused)."""

    @abstractmethod
    def settings_with_secrets(self) -> ConnectorSettings:
        """Valid settings of this source holding at least one secret (a token)."""


def _by_document(results: Read) -> dict[str, ExtractedDocument | DocumentFailure]:
    return {
        r.postmortem.document if isinstance(r, ExtractedDocument) else r.document: r
        for r in results
    }


class SourceSuite:
    """Subclass it as ``Test…`` and give a ``harness`` fixture returning a SourceHarness."""

    def test_a_read_yields_documents_and_their_items(self, harness: SourceHarness) -> None:
        source = harness.source()
        results = list(source.read())

        documents = [r for r in results if isinstance(r, ExtractedDocument)]
        assert documents, "the harness's fixture must hold at least one readable document"
        assert all(isinstance(r, ExtractedDocument | DocumentFailure) for r in results)
        assert all(d.postmortem.source == source.name for d in documents)
        items = [i for d in documents for i in d.items]
        assert items and all(isinstance(i, RawItem) for i in items)

    def test_an_unchanged_second_read_gives_the_same_documents(
        self, harness: SourceHarness
    ) -> None:
        source = harness.source()
        first = _by_document(list(source.read()))
        second = _by_document(list(source.read()))
        assert second == first

    def test_a_changed_document_is_read_anew(self, harness: SourceHarness) -> None:
        source = harness.source()
        first = _by_document(list(source.read()))
        harness.change_a_document()
        second = _by_document(list(source.read()))
        assert second.keys() == first.keys()
        assert [d for d in second if second[d] != first[d]], "the changed document was not reread"

    def test_bad_input_is_reported_not_raised(self, harness: SourceHarness) -> None:
        source = harness.source()
        good = _by_document(list(source.read()))
        harness.add_bad_document()

        after = _by_document(list(source.read()))  # raises nothing for one bad document

        new = {d: r for d, r in after.items() if d not in good}
        assert new, "the bad document was neither read nor reported"
        reported = [
            r
            for r in new.values()
            if isinstance(r, DocumentFailure) or (r.problems and not r.items)
        ]
        assert reported, f"the bad document was read as a good one: {new}"
        assert all(r.error for r in reported if isinstance(r, DocumentFailure))
        assert {d: after[d] for d in good} == good, "a bad document changed the good ones"

    def test_an_unreadable_source_raises_source_error(self, harness: SourceHarness) -> None:
        with pytest.raises(SourceError):
            list(harness.unreachable_source().read())

    def test_secrets_in_settings_are_masked(self, harness: SourceHarness) -> None:
        assert_secrets_masked(harness.settings_with_secrets())
