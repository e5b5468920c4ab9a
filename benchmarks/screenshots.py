"""Retake the README's screenshots at 1280x720 (a classroom projector) in headless Chromium.

Run: python -m benchmarks.screenshots  (writes docs/screen_*.png)

Each screen is what a person sees at the default settings: the data, a playback paused
on iteration 6, the final view, and Choose K computed. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.support.browser import (
    CHROMIUM_ARGS,
    RECORD_ITERATIONS_JS,
    chromium_path,
    free_port,
    start_server,
    stop_server,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def main() -> None:
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"http://127.0.0.1:{port}/?fps=4")
            page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE)
            page.screenshot(path=str(DOCS / "screen_data.png"))
            page.evaluate(RECORD_ITERATIONS_JS)
            page.get_by_role("button", name="Fit", exact=True).click()
            page.wait_for_function("window.__drawn.some(d => d[0] >= 6)", timeout=60_000)
            page.locator("label").filter(has_text="Pause").first.click()
            page.wait_for_selector(IDLE)
            page.wait_for_timeout(500)
            page.screenshot(path=str(DOCS / "screen_playback.png"))
            page.get_by_role("button", name="Skip to the end", exact=True).click()
            page.get_by_text(re.compile("Converged after|Stopped")).first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE)
            page.wait_for_timeout(1000)
            page.screenshot(path=str(DOCS / "screen_final.png"))
            page.get_by_text("Choose K: how many components?").click()
            page.get_by_role("button", name="Compute BIC, AIC and ICL").click()
            page.get_by_role("button", name=re.compile("Use K = ")).wait_for(timeout=120_000)
            page.get_by_role("button", name=re.compile("Use K = ")).scroll_into_view_if_needed()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(DOCS / "screen_choose_k.png"))
            browser.close()
    finally:
        stop_server(server)
    print("written:", ", ".join(sorted(p.name for p in DOCS.glob("screen_*.png"))))


if __name__ == "__main__":
    main()
