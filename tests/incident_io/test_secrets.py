"""The API key is never shown: not in a failure, not in the cache, not in the settings, even
when incident.io (or a proxy before it) quotes the request's headers in its error answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from syncd.connector.source import SourceError
from tests.fakes.faults import Fault
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import failures, make_source, read

CHECKOUT = "01HQ0CHECKOUTLATENCY0000101"


def test_an_echoed_key_is_masked_in_a_document_failure(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    fake.echo_requests = True
    fake.state.delete_incident(CHECKOUT)
    failure = failures(read(make_source(fake, tmp_path)))[f"incident.io:{CHECKOUT}"]
    assert "404" in failure.error
    assert fake.api_key not in failure.error


def test_an_echoed_key_is_masked_in_a_source_error(tmp_path: Path, fake: FakeIncidentIo) -> None:
    fake.echo_requests = True
    fake.faults.on("GET", "/v2/follow_ups", Fault("html"), times=None)
    with pytest.raises(SourceError) as raised:
        read(make_source(fake, tmp_path))
    assert fake.api_key not in str(raised.value)


def test_the_cache_and_the_settings_hold_no_key(tmp_path: Path, fake: FakeIncidentIo) -> None:
    source = make_source(fake, tmp_path)
    read(source)
    (cache,) = tmp_path.glob("incidents-*.json")
    assert fake.api_key not in cache.read_text(encoding="utf-8")
    assert fake.api_key not in repr(vars(source))
