"""A fake Drive folder holding the fixtures, and sources reading it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.google_docs import GoogleDocsSettings, GoogleDocsSource
from connectors.google_docs.auth import forget_tokens
from connectors.google_docs.extraction import in_process
from syncd.connector.source import SourceContext
from syncd.connector.testing import VirtualClock
from tests.fakes.google_drive.keys import TestKey, make_key
from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.fakes.google_drive.state import FakeFile

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = "drive"


def fixture_texts() -> dict[str, str]:
    """Document name -> its markdown export, for every fixture."""
    return {
        p.name.removesuffix(".md"): p.read_text(encoding="utf-8")
        for p in sorted(FIXTURES.glob("*.md"))
    }


class Folder:
    """A Drive folder shared with a service account, holding every fixture document."""

    def __init__(
        self,
        fake: FakeGoogleDrive,
        tmp_path: Path,
        *,
        drive_id: str | None = None,
        only: tuple[str, ...] | None = None,
    ):
        forget_tokens()  # each test starts with no token cached in the process
        self.fake = fake
        self.tmp_path = tmp_path
        self.key: TestKey = make_key()
        fake.state.add_account(self.key.email, self.key.public_pem, delegated=True)
        self.folder = fake.state.add_folder("Postmortems", drive_id=drive_id)
        self.drive_id = drive_id
        fake.state.share(self.folder.id, self.key.email)
        self.documents: dict[str, FakeFile] = {
            name: fake.state.add_document(name, self.folder.id, text)
            for name, text in fixture_texts().items()
            if only is None or name in only
        }
        self.clock = VirtualClock(datetime.now(UTC))
        self.context = SourceContext(
            team="payments",
            config_dir=tmp_path,
            cache_dir=tmp_path / "cache",
            now=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
        )

    def key_json(self) -> str:
        return self.key.json_key(self.fake.token_uri)

    def settings(self, **overrides: Any) -> GoogleDocsSettings:
        raw: dict[str, Any] = {
            "folder": self.folder.id,
            "service_account_key": self.key_json(),
            "api_url": self.fake.root_url,
        }
        if self.drive_id is not None:
            raw["drive"] = self.drive_id
        raw.update(overrides)
        return GoogleDocsSettings.model_validate({k: v for k, v in raw.items() if v is not None})

    def source(self, *, workers: bool = False, **overrides: Any) -> GoogleDocsSource:
        return GoogleDocsSource(
            SOURCE,
            self.settings(**overrides),
            self.context,
            extract=None if workers else in_process,
            http_clock=self.clock,
        )

    def counts(self) -> Callable[[], dict[str, int]]:
        """A function giving the requests of each kind made since this call."""
        before = len(self.fake.requests)

        def since() -> dict[str, int]:
            found: dict[str, int] = {}
            for request in self.fake.requests[before:]:
                kind = request_kind(request.path)
                found[kind] = found.get(kind, 0) + 1
            return found

        return since


def request_kind(path: str) -> str:
    """What a logged request to the fake asked for: token, list, get or export."""
    if path == "/token":
        return "token"
    if path.endswith("/export"):
        return "export"
    return "list" if path.endswith("/files") else "get"
