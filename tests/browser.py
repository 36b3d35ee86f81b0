"""Browser-test fixtures: Playwright for Python driving Debian's chromium against the live server.

Never Playwright's own browser download. Where chromium is missing and cannot be installed
(scripts/ensure-chromium.sh), the tests are skipped with the reason — except in CI, which
sets CAMPUSEVAL_REQUIRE_BROWSER=1 so that a missing browser fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SCREENSHOTS = Path(os.environ.get("CAMPUSEVAL_SCREENSHOTS", Path(__file__).resolve().parent / "screenshots"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--lang=zh-CN",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return os.environ.get("CAMPUSEVAL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        reason = "Debian's chromium is not installed and scripts/ensure-chromium.sh could not install it"
        if os.environ.get("CAMPUSEVAL_REQUIRE_BROWSER"):
            pytest.fail(f"{reason} (CI requires the browser tests)")
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test
    # itself are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def shots(request):
    """Save a numbered screenshot of each step: shots(page, "school-login")."""
    folder = SCREENSHOTS / request.node.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    counter = {"n": 0}

    def take(page, name: str) -> Path:
        counter["n"] += 1
        path = folder / f"{counter['n']:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
