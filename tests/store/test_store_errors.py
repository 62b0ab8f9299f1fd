"""Errors a person can act on, and never a password in them."""

from __future__ import annotations

import socket
import traceback
from pathlib import Path

import pytest

from syncd.store import StateStore, StateStoreError
from syncd.store.database_url import parse_database_url, redact_url_text

PASSWORD = "s3cr3t-Pa55"


def _closed_loopback_port() -> int:
    # Bound, then released: nothing listens there, so connecting is refused at once.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _everything_shown(exc: BaseException) -> str:
    """The message and the whole traceback with its chained causes, as a crash would print."""
    return "".join(traceback.format_exception(exc))


@pytest.mark.parametrize("readonly", [False, True])
def test_an_unreachable_postgres_is_reported_without_the_password(readonly: bool) -> None:
    port = _closed_loopback_port()
    url = f"postgresql://syncd:{PASSWORD}@127.0.0.1:{port}/syncd"

    with pytest.raises(StateStoreError) as failure:
        StateStore.open(url, readonly=readonly)

    message = str(failure.value)
    assert f"postgresql://syncd:***@127.0.0.1:{port}/syncd" in message
    assert "cannot open the state store" in message
    assert "SYNCD_DATABASE_URL" in message
    assert PASSWORD not in _everything_shown(failure.value)


def test_a_password_needing_url_quoting_is_redacted_too() -> None:
    quoted = "p%40ss%2Fw0rd"  # "p@ss/w0rd"
    url = f"postgresql://syncd:{quoted}@127.0.0.1:{_closed_loopback_port()}/syncd"

    with pytest.raises(StateStoreError) as failure:
        StateStore.open(url)

    shown = _everything_shown(failure.value)
    assert quoted not in shown
    assert "p@ss/w0rd" not in shown


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://syncd:{PASSWORD}@db.internal:not-a-port/syncd",
        f"mysql://syncd:{PASSWORD}@db.internal/syncd",
        f"postgresql+nosuchdriver://syncd:{PASSWORD}@db.internal/syncd",
    ],
)
def test_an_unusable_url_is_reported_without_the_password(url: str) -> None:
    with pytest.raises(StateStoreError) as failure:
        StateStore.open(url)

    assert "db.internal" in str(failure.value)
    assert "syncd:***@" in str(failure.value)
    assert PASSWORD not in _everything_shown(failure.value)


def test_an_empty_url_says_what_to_set() -> None:
    with pytest.raises(StateStoreError, match="SYNCD_DATABASE_URL"):
        StateStore.open("  ")


def test_an_sqlite_path_that_cannot_be_a_database_is_reported(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()

    with pytest.raises(StateStoreError) as failure:
        StateStore.open(f"sqlite:///{directory}")

    assert str(directory) in str(failure.value)
    assert "permissions" in str(failure.value)


def test_a_file_that_is_not_sqlite_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_text("these are not the bytes you are looking for " * 100)

    for readonly in (False, True):
        with pytest.raises(StateStoreError, match="not a database"):
            StateStore.open(f"sqlite:///{path}", readonly=readonly)


@pytest.mark.parametrize(
    ("written", "driver"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///state/state.db", "sqlite"),
    ],
)
def test_users_write_plain_urls_and_psycopg_3_is_chosen(written: str, driver: str) -> None:
    parsed = parse_database_url(written)
    assert parsed.url.drivername == driver
    assert parsed.redacted == written


def test_the_store_shows_its_url_without_the_password(tmp_path: Path) -> None:
    assert (
        parse_database_url(f"postgresql://u:{PASSWORD}@h/db").redacted == "postgresql://u:***@h/db"
    )
    with StateStore.open(f"sqlite:///{tmp_path / 'state.db'}") as store:
        assert store.url == f"sqlite:///{tmp_path / 'state.db'}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see postgresql://u:pw@h/db now", "see postgresql://u:***@h/db now"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("a://x:y@z and b+c://p:q@r", "a://x:***@z and b+c://p:***@r"),
        ("no url here: user:pass@host", "no url here: user:pass@host"),
    ],
)
def test_redaction_of_urls_in_free_text(text: str, expected: str) -> None:
    assert redact_url_text(text) == expected
