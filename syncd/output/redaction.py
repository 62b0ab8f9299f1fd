"""One redaction for everything syncd emits: stdout, stderr, logs, the state store, metrics.

The redactor knows every secret value of the configuration and every credential syncd has put
on the wire (an ``Authorization`` header, a URL's password), in the forms they travel and get
echoed in: as written, URL-quoted, JSON-escaped, base64 (a Jira ``email:token`` basic
credential is only ever seen encoded). Whatever text carries one of them, from syncd's own
messages to a library's exception that quotes a tracker's answer, has it replaced by ``***``
at the last step before it leaves the process.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, unquote, urlsplit

MASK = "***"

# Shorter values would mask ordinary words; a real credential is never that short.
MIN_SECRET_LENGTH = 6

_CREDENTIAL_HEADER = re.compile(
    r"(authorization|cookie|token|secret|passw|signature|credential|api-?key|session)", re.I
)


def encodings(value: str) -> set[str]:
    """``value`` in every form it may travel or be echoed in."""
    raw = value.encode()
    forms = {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
    }
    # Base64 without its padding is what a log line or a URL often keeps.
    forms |= {form.rstrip("=") for form in forms}
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class Redactor:
    """Masks every registered secret, in each of its encodings, in any text. Thread-safe."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def register(self, values: Iterable[str | None]) -> None:
        fresh: set[str] = set()
        for value in values:
            if value and len(value) >= MIN_SECRET_LENGTH:
                fresh |= encodings(value)
        with self._lock:
            if fresh <= self._values:
                return
            self._values |= fresh
            # Longest first: a secret that contains another is masked whole.
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered))

    def register_basic(self, user: str, password: str) -> None:
        """A user:password pair sent as HTTP basic authentication (Jira Cloud, git over https)."""
        self.register([password, f"{user}:{password}"])

    def register_headers(
        self, headers: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]
    ) -> None:
        """The credentials in request headers about to go on the wire."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            if _CREDENTIAL_HEADER.search(name) and value:
                text = value.decode("latin-1") if isinstance(value, bytes) else value
                self._register_credential(text)

    def register_url(self, url: str) -> None:
        """A URL's user-info password, which a library may echo in an error."""
        try:
            parts = urlsplit(url)
            password = parts.password
        except ValueError:
            return
        if password:
            user = unquote(parts.username or "")
            self.register_basic(user, unquote(password))
            self.register([password])

    def _register_credential(self, value: str) -> None:
        scheme, _, credentials = value.strip().partition(" ")
        if not credentials:
            self.register([value])
            return
        self.register([value, credentials])
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return
            user, _, password = decoded.partition(":")
            self.register_basic(user, password)

    def redact_text(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None or not text:
            return text
        return pattern.sub(MASK, text)

    def redact_bytes(self, data: bytes) -> bytes:
        if self._pattern is None:
            return data
        return self.redact_text(data.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape"
        )

    def redact_value(self, value: object) -> object:
        """Strings anywhere in lists, tuples and dicts masked; anything else as it is."""
        if isinstance(value, str):
            return self.redact_text(value)
        if isinstance(value, list):
            return [self.redact_value(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.redact_value(v) for v in value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        return value


redactor = Redactor()
