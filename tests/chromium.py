"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by
Playwright, never a browser Playwright downloads (``scripts/test`` installs it)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

EXECUTABLE = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch(playwright: Any) -> Any:
    """A browser from a running ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=EXECUTABLE, args=ARGS)


@contextlib.contextmanager
def launched() -> Iterator[Any]:
    """A browser for a ``with`` block (or a fixture), closed after it."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


def open_file(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """A page showing the file ``path``, with its console errors and warnings and the
    URLs it requested (a self-contained page requests only itself)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems, requests
