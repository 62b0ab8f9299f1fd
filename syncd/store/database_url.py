"""Reading a ``database_url`` as users write it, and showing it without its password.

Users write ``sqlite:///path/state.db`` or plain ``postgresql://user@host:port/db``; the
driver (psycopg 3) is chosen here so that configuration never names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from syncd.store.errors import StateStoreError

POSTGRES_DRIVER = "postgresql+psycopg"

# "postgres://" is what Heroku and many PaaS hand out; libpq accepts it, so do we.
_POSTGRES_SCHEMES = frozenset({"postgresql", "postgres", POSTGRES_DRIVER})
_SQLITE_SCHEMES = frozenset({"sqlite", "sqlite+pysqlite"})

# user:password@ in anything that looks like a URL, for text we could not parse as one.
_USERINFO_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@\s]*):[^@/\s]*@")


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A parsed, driver-resolved database URL."""

    url: URL  # what SQLAlchemy connects with: the driver is named
    display: str  # as the user wrote it, password hidden: for messages and logs

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, or None for an in-memory SQLite database."""
        if not self.is_sqlite:
            return None
        database = self.url.database
        if not database or database == ":memory:":
            return None
        return Path(database)

    @property
    def redacted(self) -> str:
        return self.display

    def scrub(self, text: str) -> str:
        """``text`` with this URL's password removed, however a driver chose to quote it."""
        return scrub_password(text, self.url.password)


def parse_database_url(raw: str) -> DatabaseUrl:
    """Parse ``raw``; map plain ``postgresql://`` to psycopg 3. Errors never show the password."""
    text = raw.strip()
    if not text:
        raise StateStoreError("the database URL is empty; set database_url (SYNCD_DATABASE_URL)")
    try:
        url = make_url(text)
    except Exception:  # make_url raises ArgumentError, ValueError, ... depending on the input
        # "from None": the parser's own message may quote the URL, password included.
        raise StateStoreError(
            f"cannot read the database URL {redact_url_text(text)!r}: expected "
            "sqlite:///path/state.db or postgresql://user@host:port/database"
        ) from None
    display = url.render_as_string(hide_password=True)
    scheme = url.drivername
    if scheme in _POSTGRES_SCHEMES:
        url = url.set(drivername=POSTGRES_DRIVER)
    elif scheme not in _SQLITE_SCHEMES:
        raise StateStoreError(
            f"unsupported database URL {redact_url_text(text)!r}: syncd keeps its state in "
            "SQLite (sqlite:///path/state.db) or PostgreSQL (postgresql://user@host:port/database)"
        )
    return DatabaseUrl(url, display)


def redact_url_text(text: str) -> str:
    """Replace the password of any ``scheme://user:password@`` in ``text`` with ``***``."""
    return _USERINFO_PASSWORD.sub(r"\g<head>:***@", text)


def scrub_password(text: str, password: str | None) -> str:
    """Remove ``password`` (raw and percent-encoded) and any URL password from ``text``."""
    cleaned = redact_url_text(text)
    if password:
        for form in {password, quote(password, safe=""), quote(password)}:
            cleaned = cleaned.replace(form, "***")
    return cleaned
