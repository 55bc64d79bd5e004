"""Chromium through Playwright against pytest-django's live server.

The Debian chromium at /usr/bin/chromium is used as is: `playwright install` needs the network.
Missing chromium skips the browser tests locally and fails them under CI (tests/conftest.py).
"""

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Playwright's sync API keeps an asyncio loop running in the
    test's own thread while the browser lives, and Django then refuses ORM calls from that thread
    (fixtures, assertions, the flush at teardown). Nothing async touches the database here (the
    live server answers in its own thread), so the guard is lifted exactly while the browser
    lives, not for the rest of the suite."""
    require_service(CHROMIUM.exists(), f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", timezone_id="Europe/Brussels",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


class Screenshots:
    """Full-page screenshots numbered in the order the journey visits the pages:
    test-artifacts/<journey>/01-login.png, 02-caseload.png, ..."""

    def __init__(self, journey):
        self.folder = ARTIFACTS / journey
        shutil.rmtree(self.folder, ignore_errors=True)  # no stale pages from an earlier run
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page, name):
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshots():
    """screenshots("journey-name") -> shot(page, name)."""
    return Screenshots
