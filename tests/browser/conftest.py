"""The browser the site is tested in: Debian's chromium (installed by .ci/run), driven by Playwright."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from helpers import CHROMIUM, CHROMIUM_FLAGS


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()
