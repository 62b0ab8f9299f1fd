"""The status page in a real headless Chromium (Debian's ``chromium``, driven by Playwright;
no browser is downloaded): signing in, the charts drawn, the per-owner form, hostile text
shown as text, all with JavaScript switched off, as the page promises to work without it.

Screenshots of each page are written to ``tests/snapshots/status_page/`` when missing there
(or when ``SYNCD_UPDATE_SNAPSHOTS`` is set): those references were looked at by eye once.
Without chromium the tests are skipped, except under ``CI``, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from syncd.status_page.access import StatusAccess
from syncd.status_page.view import DAILY_DAYS
from tests.digest.team_fixture import NOW
from tests.status_page.status_support import (
    HOSTILE_OWNER,
    HOSTILE_TITLE,
    MISSING,
    Served,
    serving,
    snapshot_of,
)

TOKEN = "browser-test-token-0123456789"
SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots" / "status_page"
VIEWPORT = {"width": 1200, "height": 900}

if False:  # pragma: no cover - for type checkers only
    from playwright.sync_api import Browser, Page


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed (the test extra has it)")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("status"), StatusAccess(token=TOKEN)) as running:
        yield running


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    """A signed-in page, JavaScript off; a dialog (an injected script's alert) fails the test."""
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT)
    opened = context.new_page()
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: dialogs.append(dialog.message))
    opened.goto(served.url("/status/payments"))
    opened.fill("#token", TOKEN)
    opened.click("button[type=submit]")
    yield opened
    context.close()
    assert dialogs == [], "a script ran"


def _keep_screenshot(page: Page, name: str, tmp_path: Path) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    width, height = struct.unpack(">II", shot.read_bytes()[16:24])  # the PNG's IHDR
    assert width == VIEWPORT["width"] and height >= VIEWPORT["height"] // 2
    reference = SNAPSHOTS / name
    if os.environ.get("SYNCD_UPDATE_SNAPSHOTS") or not reference.exists():
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, reference)


def test_without_a_session_the_form_asks_for_the_token(browser: Browser, served: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    anonymous = context.new_page()
    answer = anonymous.goto(served.url("/status/payments?owner=bob"))
    assert answer is not None and answer.status == 401
    assert "Automate failover" not in anonymous.content()
    anonymous.fill("#token", "wrong")
    anonymous.click("button[type=submit]")
    assert "not right" in anonymous.inner_text("main")
    anonymous.fill("#token", TOKEN)
    anonymous.click("button[type=submit]")
    assert anonymous.url.endswith("/status/payments?owner=bob")
    assert "Open items of bob" in anonymous.inner_text("main")
    context.close()


def test_the_team_page_loads_with_every_section(page: Page, tmp_path: Path) -> None:
    assert page.url.endswith("/status/payments")
    main = page.inner_text("main")
    for heading in (
        "Counts",
        "Overdue",
        "Due within 7 days",
        "Needs attention",
        "Follow-up reviews due",
        "Charts",
    ):
        assert heading in main, heading
    assert page.locator("h3", has_text="Payments DB failover").count() == 1
    _keep_screenshot(page, "team.png", tmp_path)


def test_the_charts_draw_the_snapshots_with_gaps(page: Page) -> None:
    start = NOW.date() - timedelta(days=DAILY_DAYS - 1)
    days = [start + timedelta(days=n) for n in range(DAILY_DAYS)]
    kept = [d for d in days if d.month != 12 and d not in MISSING]
    open_points = page.locator('svg circle.point[data-series="open"]')
    assert open_points.count() == len(kept)
    today = page.locator(f'circle.point[data-series="done"][data-day="{NOW.date()}"]')
    assert today.get_attribute("data-value") == str(snapshot_of(NOW.date()).done)
    assert today.bounding_box() is not None  # drawn, not just present
    # The line breaks at December and at the five missing February days: three runs.
    line = page.locator('path.line[data-series="open"]').get_attribute("d") or ""
    assert line.count("M") == 3

    february = snapshot_of(date(2026, 2, 28))
    bar = page.locator('rect.bar[data-series="completion"][data-month="2026-02"]')
    assert float(bar.get_attribute("data-value") or "nan") == round(
        100 * february.done / february.items, 1
    )
    gaps = page.locator("text.gap")
    assert sorted(gaps.evaluate_all("els => els.map(e => e.dataset.month)")) == [
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
        "2025-08",
        "2025-12",
    ]
    ages = page.locator("rect.bar[data-label]")
    assert ages.count() == 4
    assert sum(int(a.get_attribute("data-value") or 0) for a in ages.all()) > 0


def test_the_owner_form_narrows_the_page(page: Page, tmp_path: Path) -> None:
    page.select_option("#owner", "bob")
    page.click("form.owner button[type=submit]")
    assert page.url.endswith("/status/payments?owner=bob")
    main = page.inner_text("main")
    assert "Open items of bob" in main
    assert "Alert when replica lag exceeds 30s" in main  # bob's
    assert "Improve monitoring" in main  # bob's too
    assert "Automate failover drill for payments-db" not in main  # alice's
    _keep_screenshot(page, "owner.png", tmp_path)


def test_hostile_text_is_shown_as_text(page: Page) -> None:
    main = page.inner_text("main")
    assert HOSTILE_TITLE in main
    assert HOSTILE_OWNER in main
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0


def test_the_overview_lists_each_team(page: Page, served: Served, tmp_path: Path) -> None:
    page.goto(served.url("/status"))
    page.click("text=payments")
    assert page.url.endswith("/status/payments")
    page.goto(served.url("/status"))
    assert page.locator("tbody tr").count() == 1
    _keep_screenshot(page, "overview.png", tmp_path)
