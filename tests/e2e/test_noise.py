"""mclust's noise component in a real browser: a link with pasted data and Noise component
on, fitted; the player draws the noise (flat, component 0, the glitches its points) and the
final view says what it fitted. Screenshots at 1280x720 (``artifacts/noise_*.png``; the
README's ``docs/screen_noise*.png`` are these)."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pytest

from emgmm.app.links import DATA_PARAM, encode_paste
from tests.e2e.conftest import Page
from tests.support.browser import ARTIFACTS

pytestmark = pytest.mark.e2e

#: Two clusters and a few glitches spread over a wider range.
RNG = np.random.default_rng(8)
VALUES = np.concatenate([RNG.normal(-3, 1, 200), RNG.normal(3, 0.8, 200), RNG.uniform(-16, 22, 10)])


def test_a_noisy_fit_plays_and_ends_in_the_final_view_with_its_noise(browser, app_url):
    token = encode_paste(" ".join(f"{v:.4f}" for v in VALUES))
    assert token is not None
    query = {
        "source": "paste",
        DATA_PARAM: token,
        "n_fit": "2",
        "noise": "true",
        "init": "quantile",
        "fps": "4",
    }
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        app = Page(context.new_page(), f"{app_url}/?{urlencode(query)}")
        app.click("Fit")
        app.record_iterations()
        app.wait_drawn(2)
        app.press_player("Pause")
        frame = app.player_frame()
        drawn = frame.evaluate(
            """() => ({noise: player.payload.noise, numbers: player.payload.numbers,
                       classes: Array.from(player.values.points.component),
                       flat: Array.from(player.values.curves.slice(0, player.payload.density_grid.length))})"""
        )
        assert drawn["noise"]["low"] == pytest.approx(VALUES.min(), abs=1e-4) and drawn["numbers"] == [
            0,
            1,
            2,
        ]
        assert 0 in drawn["classes"]  # some glitches are the noise's points
        flat = drawn["flat"]
        # flat over the whole axis, beyond the data's range too (the engine's constant)
        assert min(flat) > 0 and max(flat) == pytest.approx(min(flat), rel=1e-12)
        app.page.screenshot(path=str(ARTIFACTS / "noise_playback.png"))
        app.press_player("Skip to the end")
        app.final_view(60)
        app.page.get_by_text("Fitted with mclust's noise component").first.wait_for(timeout=30_000)
        app.page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=30_000)
        app.page.get_by_test_id("stDataFrame").first.wait_for(timeout=30_000)
        # the charts and the components' table (its row "noise") on one 720 px screen
        app.page.mouse.move(800, 400)  # over the main column, which scrolls
        app.page.mouse.wheel(0, 185)  # the chart titles clear the page header
        app.page.wait_for_timeout(1500)  # the table's canvas paints after it is laid out
        app.page.screenshot(path=str(ARTIFACTS / "noise_final.png"))
        assert "components p(x|y) p(y), the noise flat" in app.chart_text()
        app.assert_healthy()
    finally:
        context.close()
