"""The dashboard in a real headless Chromium (Debian's), driven by Playwright.

Skipped when /usr/bin/chromium is missing, except in CI (CI set), where that fails.
The screenshot is kept as a test artifact: its path is printed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NEWSEVENTS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("NEWSEVENTS_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "out" / "test-artifacts"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.slow


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            yield instance
        finally:
            instance.close()


def test_browser_filter_click_and_evidence(browser, demo_db, live_server):  # type: ignore[no-untyped-def]
    requests_elsewhere: list[str] = []
    with live_server(demo_db) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: None if r.url.startswith(server.url)
                else requests_elsewhere.append(r.url))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "/", wait_until="networkidle")
        page.wait_for_selector("#events tbody tr", timeout=15_000)
        assert page.locator("#map path.land").count() > 150  # the shipped base map
        assert page.locator("#map circle.place").count() > 5
        assert page.locator("#timeline rect.bar").count() > 3
        everything = page.locator("#count").inner_text()

        page.select_option("#f-type", "ASSAULT")
        page.click("#apply")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#events tbody tr td:nth-child(2)')]"
            ".every(td => td.innerText.trim() === 'ASSAULT')", timeout=15_000)
        assert page.locator("#count").inner_text() != everything
        assert "type=ASSAULT" in page.url

        first = page.locator("#events tbody tr").first
        trigger = first.locator("td:nth-child(5)").inner_text().strip()
        first.click()
        sentence = page.locator("#evidence-sentence")
        sentence.wait_for(timeout=15_000)
        assert trigger in sentence.inner_text()
        assert page.locator("#evidence-sentence mark.trigger").first.inner_text() == trigger
        assert page.locator("#evidence a").count() >= 1

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "dashboard.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"dashboard screenshot: {shot}")
        assert shot.stat().st_size > 10_000
        assert not errors, errors
        assert not requests_elsewhere, requests_elsewhere
