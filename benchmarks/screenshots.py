"""Retake the README's screenshots at 1280x720 (a classroom projector) in headless Chromium.

Run: python -m benchmarks.screenshots  (writes docs/screen_*.png)

Each screen is what a person sees at the default settings: the data, a playback paused
on iteration 6, the final view, and Choose K computed; then the newer views: a playback
of E- and M-steps with the points coloured by uncertainty, your own start, goodness of
fit, the bootstrap, the likelihood-ratio test and Explore starts (each view's own part
of the page); then why EM works, at 1280x720 and on a phone (390x844): one point worked
out in a paused frame and the bound of its M-step, then the bound at any iteration and
hard against soft in the final view; and at 1280x720 again, a second file classified with
the fit and Explore starts with mclust's hc start (``classify_and_hc``).
``--only why`` or ``--only classify`` retakes those alone. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.support.browser import (
    CHROMIUM_ARGS,
    PLAYER_FRAME,
    RECORD_HEADINGS_JS,
    chromium_path,
    free_port,
    start_server,
    stop_server,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def expander(page, title: str):
    """Open the expander headed ``title`` and return it."""
    page.get_by_text(title).first.click()
    return page.get_by_test_id("stExpander").filter(has_text=title).first


def views(page, port: int) -> None:
    """The views that show how EM works and how far to trust a fit."""
    page.goto(f"http://127.0.0.1:{port}/?fps=4&half_steps=true&colour_by=uncertainty")
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.get_by_role("button", name="Fit", exact=True).click()
    player = page.frame_locator(PLAYER_FRAME).first
    player.get_by_text(re.compile("Frame 1[0-9] of")).first.wait_for(timeout=60_000)
    player.get_by_role("button", name="Pause", exact=True).click()
    if player.get_by_text(re.compile(r"E-step \d+ of")).count():
        player.get_by_role("button", name="Step forward", exact=True).click()  # an M-step: the curves move
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "screen_half_steps.png"))
    player.get_by_role("button", name="Skip to the end", exact=True).click()
    page.get_by_text(re.compile("Converged after|Stopped")).first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.set_viewport_size({"width": 1280, "height": 1600})  # each analysis whole, drawn
    shot_of(expander(page, "Goodness of fit"), page, "screen_goodness.png")
    part = expander(page, "Uncertainty: how much")
    part.get_by_role("button", name="Run the bootstrap").click()
    part.get_by_test_id("stDataFrame").first.wait_for(timeout=300_000)
    shot_of(part, page, "screen_bootstrap.png")
    part = expander(page, "Choose K: how many components?")
    part.get_by_role("button", name=re.compile("Run the test")).click()
    part.get_by_text(re.compile("Selected: K = ")).first.wait_for(timeout=600_000)
    shot_of(part, page, "screen_lrt.png")
    part = expander(page, "Explore starts")
    part.get_by_role("button", name=re.compile("Run 20 starts")).click()
    part.get_by_text("starts reached the best fit").first.wait_for(timeout=120_000)
    shot_of(part, page, "screen_starts.png")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"http://127.0.0.1:{port}/?init=custom&n_fit=3&start=0.3:-2.2:0.5,0.3:0.2:0.5,0.4:1.3:0.3")
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(800)
    page.screenshot(path=str(DOCS / "screen_your_start.png"))


def at_top(locator) -> None:
    """Scroll the page so that ``locator`` is at the top of the window, under Streamlit's
    header (80 px)."""
    locator.evaluate(
        """e => {
            e.scrollIntoView({block: 'start'});
            let box = e.parentElement;
            while (box && !['auto', 'scroll'].includes(getComputedStyle(box).overflowY)) box = box.parentElement;
            if (box) box.scrollTop -= 80;
        }"""
    )


def classify_and_hc(page, port: int) -> None:
    """A second file (values of the default data's kind, a few far outside its range)
    classified with the fit; then Explore starts with its hc start, at 1280x720."""
    import tempfile

    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"http://127.0.0.1:{port}/")
    page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.get_by_role("button", name="Fit", exact=True).click()
    player = page.frame_locator(PLAYER_FRAME).first
    player.get_by_role("button", name="Skip to the end", exact=True).click(timeout=60_000)
    page.get_by_text(re.compile("Converged after|Stopped")).first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    part = expander(page, "Classify new data with this fit")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "second_batch.csv"
        values = [-2.3 + (i % 23) * 0.05 for i in range(150)] + [1.1 + (i % 30) * 0.04 for i in range(60)]
        path.write_text("x\n" + "\n".join(f"{v:.3f}" for v in [*values, 9.5, 10.2]) + "\n")
        part.locator("input[type='file']").set_input_files(str(path))
        sentence = part.get_by_text(re.compile("of the new values against|share out")).first
        sentence.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(1500)
    at_top(sentence)
    page.mouse.move(1270, 710)  # off the charts: no chart's toolbar over the sentence
    page.wait_for_timeout(500)
    page.screenshot(path=str(DOCS / "screen_classify.png"))
    part = expander(page, "Explore starts")
    part.get_by_role("button", name=re.compile("Run 20 starts")).click()
    summary = part.get_by_text(re.compile("random starts reached the best fit")).first
    summary.wait_for(timeout=180_000)
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(1500)
    at_top(summary)
    page.mouse.move(1270, 710)
    page.wait_for_timeout(500)
    page.screenshot(path=str(DOCS / "screen_starts_hc.png"))


def why_views(browser, port: int) -> None:
    """Why EM works, as a projector and a phone show it: a frame paused with one point worked
    out (the 1280x720 shot scrolled to it), the bound EM climbs and hard against soft EM."""
    for width, height, suffix in ((1280, 720, ""), (390, 844, "_phone")):
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"http://127.0.0.1:{port}/?fps=4")
        page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
        page.wait_for_selector(IDLE)
        page.evaluate(RECORD_HEADINGS_JS)
        if suffix:  # a phone's sidebar starts closed; Fit closes it again
            page.get_by_test_id("stExpandSidebarButton").click()
        page.get_by_role("button", name="Fit", exact=True).click()
        page.wait_for_function("window.__drawn.some(d => d[0].startsWith('Iteration 4:'))", timeout=60_000)
        player = page.frame_locator(PLAYER_FRAME).first
        player.get_by_role("button", name="Pause", exact=True).click()
        point = player.get_by_label("The point x to work out")
        point.fill("1.5")
        point.press("Enter")
        # the tables under the strip in view: the page scrolls, the player's frame does not
        table = player.locator("table.numbers").last.bounding_box()  # in the page's coordinates
        assert table is not None
        page.mouse.wheel(0, table["y"] + table["height"] - height + 16)
        page.wait_for_timeout(800)
        page.screenshot(path=str(DOCS / f"screen_why_point{suffix}.png"))
        chart = player.locator(".view-bound").bounding_box()
        assert chart is not None
        page.mouse.wheel(0, chart["y"] + chart["height"] - height + 16)
        page.wait_for_timeout(800)
        page.screenshot(path=str(DOCS / f"screen_why_bound{suffix}.png"))
        player.get_by_role("button", name="Skip to the end", exact=True).click()
        page.get_by_text(re.compile("Converged after|Stopped")).first.wait_for(timeout=60_000)
        page.wait_for_selector(IDLE)
        part = expander(page, "Why EM works")
        part.get_by_role("button", name="Fit hard EM from the same start").click()
        part.get_by_role("button", name="Play hard EM").wait_for(timeout=120_000)
        page.set_viewport_size({"width": width, "height": 2400})  # the whole expander, drawn
        shot_of(part, page, f"screen_why{suffix}.png")
        page.close()


def shot_of(part, page, name: str) -> None:
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(1000)
    part.screenshot(path=str(DOCS / name))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["why", "classify"], help="retake only these screens")
    only = parser.parse_args().only
    port = free_port()
    server = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            if only == "classify":
                classify_and_hc(browser.new_page(viewport={"width": 1280, "height": 720}), port)
                return
            why_views(browser, port)
            if only == "why":
                return
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"http://127.0.0.1:{port}/?fps=4")
            page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE)
            page.screenshot(path=str(DOCS / "screen_data.png"))
            page.evaluate(RECORD_HEADINGS_JS)
            page.get_by_role("button", name="Fit", exact=True).click()
            page.wait_for_function(
                "window.__drawn.some(d => d[0].startsWith('Iteration 6:'))", timeout=60_000
            )
            player = page.frame_locator(PLAYER_FRAME).first
            player.get_by_role("button", name="Pause", exact=True).click()
            page.wait_for_timeout(500)
            page.screenshot(path=str(DOCS / "screen_playback.png"))
            player.get_by_role("button", name="Skip to the end", exact=True).click()
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
            views(page, port)
            classify_and_hc(page, port)
            browser.close()
    finally:
        stop_server(server)
    print("written:", ", ".join(sorted(p.name for p in DOCS.glob("screen_*.png"))))


if __name__ == "__main__":
    main()
