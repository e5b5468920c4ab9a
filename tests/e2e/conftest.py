"""End-to-end fixtures: a real ``streamlit run`` server and headless Chromium.

The browser is Debian's Chromium (``shutil.which("chromium")``) or the one named by
``EMGMM_CHROMIUM``; where neither exists, Playwright's own download (a laptop). Without
any browser the tests skip with one line saying what to install, except under CI
(``CI=true``), where they fail: a skipped browser test in CI would hide a broken app.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.support.browser import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    PLAYER_FRAME,
    RECORD_DRAWS_JS,
    RECORD_HEADINGS_JS,
    chromium_path,
    free_port,
    process_cpu_seconds,
    start_server,
    stop_server,
)

#: A plain playback's heading.
ITERATION_HEADING = re.compile(r"Iteration (\d+): -LL = ")

#: What the final view says first.
STOP_MESSAGE = re.compile("Converged after|Stopped at max iterations")

INSTALL_HINT = (
    "end-to-end tests need a browser: apt-get install chromium (or set EMGMM_CHROMIUM, "
    "or run `playwright install chromium`), and pip install -r requirements-dev.txt"
)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the end-to-end tests: {reason}")
    pytest.skip(f"{INSTALL_HINT} ({reason})")


def launch_browser(playwright):
    path = chromium_path()
    if path:
        return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    try:
        return playwright.chromium.launch(args=CHROMIUM_ARGS)  # Playwright's own, if installed
    except Exception as err:
        _unavailable(f"no Chromium found ({str(err).splitlines()[0]})")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = launch_browser(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(browser):
    """The app's server process, on a free port (its ``url`` set on it)."""
    port = free_port()
    proc = start_server(port)
    proc.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    try:
        yield proc
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def app_url(server):
    return server.url


@pytest.fixture
def server_cpu(server):
    """The server's CPU seconds so far (from /proc): call it before and after."""
    return lambda: process_cpu_seconds(server.pid)


class Page:
    """A browser tab on the app, collecting console errors, with waits on real conditions."""

    def __init__(self, page, url: str):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(url)
        self.idle()
        page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)

    def idle(self, timeout: float = 60_000) -> None:
        """Wait until the script has finished its run."""
        self.page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
        )

    def set_number(self, label: str, value, settle: bool = True) -> None:
        """Type into a sidebar number input and press Enter, as a person would; then wait
        for the script to finish, unless ``settle`` is False (during a playback the
        script is hardly ever idle: the caller checks the effect instead)."""
        box = self.page.get_by_test_id("stSidebar").get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        if settle:
            self.idle()

    def click(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).first.click()

    def chart_text(self) -> str:
        return " ".join(self.page.locator("[data-testid='stVegaLiteChart'] svg text").all_text_contents())

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def assert_healthy_page(self) -> None:
        """No Streamlit exception box (console messages allowed, e.g. a refused upload)."""
        assert self.page.get_by_test_id("stException").count() == 0, "Streamlit exception on the page"

    @property
    def player(self):
        """The playback player (its frame): the controls, the heading, the charts."""
        return self.page.frame_locator(PLAYER_FRAME).first

    def player_frame(self):
        """The player's frame as a Playwright Frame, to evaluate script in."""
        handle = self.page.locator(PLAYER_FRAME).first.element_handle(timeout=60_000)
        frame = handle.content_frame()
        assert frame is not None
        return frame

    def press_player(self, name: str) -> None:
        """Press one of the player's buttons ("Play", "Pause", "Step forward", ...)."""
        self.player.get_by_role("button", name=name, exact=True).click()

    def record_iterations(self) -> None:
        """From now on, record in the page each frame heading the player shows, as the
        browser draws it (a MutationObserver on the heading; no polling)."""
        self.page.evaluate(RECORD_HEADINGS_JS)

    def record_draws(self) -> None:
        """From the next player on, record how long the browser takes to draw each frame
        (``RECORD_DRAWS_JS``): the player's frame is made when Fit is pressed."""
        self.page.context.add_init_script(RECORD_DRAWS_JS)

    def draw_times(self) -> dict[int, float]:
        """Each frame the player drew (``record_draws``) and how long its first drawing took
        (s): the playback's, not the final view's drawing of the last frame again."""
        out: dict[int, float] = {}
        for frame, start, end in self.page.evaluate("window.__draws || []"):
            out.setdefault(int(frame), (end - start) / 1000)
        return out

    def headings(self) -> list[tuple[str, float]]:
        """The frame headings drawn since ``record_iterations``, with the time (ms) each appeared."""
        return [(str(h), float(t)) for h, t in self.page.evaluate("window.__drawn")]

    def drawn(self) -> list[tuple[int, float]]:
        """The iterations drawn since ``record_iterations`` ("Iteration i" headings), with their times."""
        out = []
        for heading, t in self.headings():
            found = ITERATION_HEADING.match(heading)
            if found:
                out.append((int(found.group(1)), t))
        return out

    def wait_drawn(self, iteration: int, timeout_s: float = 60) -> None:
        """Wait until a frame at or past ``iteration`` has been drawn (``record_iterations``)."""
        found = "(d => /^Iteration (\\d+):/.exec(d[0]))"
        self.page.wait_for_function(
            f"window.__drawn.some(d => {found}(d) && Number({found}(d)[1]) >= {int(iteration)})",
            timeout=timeout_s * 1000,
        )

    def wait_showing(self, iteration: int, timeout_s: float = 30) -> None:
        """Wait until the last frame drawn (``record_iterations``) is ``iteration``."""
        self.page.wait_for_function(
            f"window.__drawn.length && window.__drawn[window.__drawn.length - 1][0].startsWith('Iteration {int(iteration)}:')",
            timeout=timeout_s * 1000,
        )

    def final_view(self, timeout_s: float) -> None:
        """Wait for the final view (the stop message)."""
        self.page.get_by_text(STOP_MESSAGE).first.wait_for(timeout=timeout_s * 1000)

    def assert_healthy(self) -> None:
        assert self.page.get_by_test_id("stException").count() == 0, "Streamlit exception on the page"
        assert not self.errors, f"browser console errors: {self.errors}"


@pytest.fixture
def app(browser, app_url, request):
    """A fresh tab on the app, 1400x1000 unless the test says ``@pytest.mark.viewport(w, h)``."""
    marker = request.node.get_closest_marker("viewport")
    width, height = marker.args if marker else (1400, 1000)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = Page(context.new_page(), app_url)
    yield page
    page.shot(request.node.name)
    context.close()
