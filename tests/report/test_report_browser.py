"""The report as a reviewer sees it: opened from disk in headless Chromium (Debian's
``chromium``, driven by Playwright with that executable; Playwright's own browser
download is never used), with no console errors and no request leaving the directory,
one entry per failed assertion with images of the right natural sizes, a slider and a
blink toggle that change what is shown, and an accept command that, run as printed,
makes the test pass. A screenshot of the page is kept as an artifact."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_orgo.snapshots.plugin import STATE_KEY
from tests.report.report_support import REPORT, baseline_then_change, run

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium found: apt-get install chromium (.ci/run does)")


def natural_size(image: playwright.Locator) -> tuple[int, int]:
    width, height = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    return width, height


def test_the_page_in_a_real_browser(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    executable = chromium()
    baseline_then_change(pytester, monkeypatch)
    run(pytester, f"--orgo-report={REPORT}").assert_outcomes(passed=1, failed=2)
    page_file = pytester.path / REPORT / "index.html"
    kept = request.config.stash[STATE_KEY].artifacts or pytester.path
    screenshot = Path(kept, "orgo-report-page.png")

    errors: list[str] = []
    outside: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith("file://") else None,
            )
            page.goto(page_file.as_uri(), wait_until="load")

            entries = page.locator("article.entry.failed")
            assert entries.count() == 2
            login, wide = entries.nth(0), entries.nth(1)
            assert "test_app.py::test_login" in login.inner_text()
            for kind in ("expected", "actual", "diff"):
                image = login.locator(f".view.side img.{kind}")
                assert image.is_visible()
                assert natural_size(image) == (64, 48)
            assert natural_size(wide.locator(".view.side img.expected")) == (64, 48)
            assert natural_size(wide.locator(".view.side img.actual")) == (96, 48)
            assert login.locator(".mask").count() == 3  # the mask, over all three images
            page.screenshot(path=str(screenshot), full_page=True)

            # the slider: halfway, the change (left) shows; at the far end, only expected
            login.get_by_role("button", name="Slider").click()
            frame = login.locator(".view.slider .frame")
            assert frame.is_visible() and not login.locator(".view.side").is_visible()
            halfway = frame.screenshot()
            login.locator(".view.slider input[type=range]").focus()
            page.keyboard.press("Home")
            over = login.locator(".view.slider img.over")
            assert over.evaluate("i => i.style.clipPath") == "inset(0px 100% 0px 0px)"
            assert frame.screenshot() != halfway
            page.keyboard.press("End")
            assert over.evaluate("i => i.style.clipPath") == "inset(0px 0% 0px 0px)"
            assert frame.screenshot() == halfway  # the change sits in the left half

            # the blink toggle: expected, then actual, in the same place
            login.get_by_role("button", name="Blink").click()
            shown = login.locator(".view.blink .frame")
            before = shown.screenshot()
            assert login.locator(".view.blink .showing").inner_text() == "expected"
            login.get_by_role("button", name="Toggle").click()
            assert login.locator(".view.blink .showing").inner_text() == "actual"
            assert login.locator(".view.blink img[data-kind=actual]").is_visible()
            assert shown.screenshot() != before

            command = login.locator("code.command").inner_text()
        finally:
            browser.close()
    assert errors == [] and outside == []
    print(f"report page screenshot: {screenshot}")

    # the printed command, run as is from where pytest ran, accepts the change
    assert command == "pytest test_app.py::test_login --orgo-update-snapshots=changed"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    accepted = subprocess.run(
        command, shell=True, cwd=pytester.path, env=env, capture_output=True, text=True
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "1 passed" in accepted.stdout
    run(pytester, "test_app.py::test_login").assert_outcomes(passed=1)
    run(pytester, "test_app.py::test_wide").assert_outcomes(failed=1)  # only that one accepted
