"""Chromium through Playwright against pytest-django's live server.

The Debian chromium at /usr/bin/chromium is used as is: `playwright install` needs the network.
Missing chromium skips the browser tests locally and fails them under CI (tests/conftest.py).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API drives the browser from an asyncio event loop that it keeps running in
# the test's own thread (it switches between greenlets, so asyncio.get_running_loop() answers
# for as long as the session-scoped `browser` lives, i.e. also in tests that run after the
# browser tests). Django sees that running loop and refuses every ORM call from the thread
# (SynchronousOnlyOperation): fixtures such as `world`, ORM assertions in the test and the
# database flush at teardown. Nothing async touches the database here (the live server answers
# requests in its own thread), so the guard is switched off for the whole test process.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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


@pytest.fixture(scope="session")
def browser():
    require_service(CHROMIUM.exists(), f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
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
