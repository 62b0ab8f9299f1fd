"""Building a Confluence source over the fake, and the fixture pages loaded into it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.confluence import ConfluenceSettings, ConfluenceSource
from connectors.confluence.worker import read_page
from syncd.connector.model import DocumentFailure, ExtractedDocument
from syncd.connector.source import SourceContext
from syncd.connector.testing import VirtualClock
from tests.fakes.confluence.server import FakeConfluence

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
Read = list[ExtractedDocument | DocumentFailure]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.glob("*.xml"))


def seed(fake: FakeConfluence, space: str = "PAY", **page: Any) -> dict[str, str]:
    """Every fixture page in ``space``; page id by fixture name."""
    return {
        name: fake.state.add_page(space, name.removesuffix(".xml"), fixture(name), **page).id
        for name in fixture_names()
    }


def settings_for(fake: FakeConfluence, **selection: Any) -> ConfluenceSettings:
    auth: dict[str, str] = {"token": fake.secret}
    if fake.mode == "cloud":
        auth["email"] = fake.email
    values: dict[str, Any] = {
        "url": fake.url,
        "deployment": fake.mode,
        "auth": auth,
        "space": "PAY",
        **selection,
    }
    return ConfluenceSettings.model_validate({k: v for k, v in values.items() if v is not None})


def source_for(
    fake: FakeConfluence,
    tmp_path: Path,
    *,
    clock: VirtualClock | None = None,
    in_workers: bool = False,
    **selection: Any,
) -> ConfluenceSource:
    context = SourceContext(
        team="payments", config_dir=tmp_path, cache_dir=tmp_path / "cache", now=NOW
    )
    return ConfluenceSource(
        "wiki",
        settings_for(fake, **selection),
        context,
        clock=clock or VirtualClock(NOW),
        extract=None if in_workers else read_page,
    )


def documents(results: Read) -> dict[str, ExtractedDocument]:
    return {r.postmortem.title: r for r in results if isinstance(r, ExtractedDocument)}


def failures(results: Read) -> list[DocumentFailure]:
    return [r for r in results if isinstance(r, DocumentFailure)]
