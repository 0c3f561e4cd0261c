"""Browser fixtures: one Debian chromium per session, a fresh context per test, at desktop and phone size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.services import chromium_path

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls the tests make
# between browser steps would otherwise be refused as "async unsafe". test.sh sets this too.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's chromium once for the session (never a downloaded browser)."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport_name(request) -> str:
    """Run a journey once at desktop size (1280x800) and once at phone size (390x844)."""
    return request.param


@pytest.fixture
def page(browser, viewport_name, live_server):
    """Return a page in a fresh browser context (no cookies) whose base URL is the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **VIEWPORTS[viewport_name])
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def screenshot(page, viewport_name):
    """Return a function saving a full-page screenshot as test-artifacts/screenshots/<name>-<viewport>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def save(name: str) -> Path:
        path = SCREENSHOT_DIR / f"{name}-{viewport_name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
