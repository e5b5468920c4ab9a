"""What the browser draws during a playback: every iteration, in order, at the chosen rate.

Each test records, in the page, the sequence of "Iteration i" headings the frame chart
shows (a MutationObserver; see ``Page.record_iterations``), then checks it.
"""

from __future__ import annotations

import itertools
import re
import statistics

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

#: Bound for a whole playback: 117 frames at 8 frames a second is 15 s; a loaded CI
#: machine may take several times that, and the policy is to slow down, never to skip.
PLAYBACK_TIMEOUT_S = 240


def last_iteration(app) -> int:
    text = app.page.get_by_text(re.compile(r"(Converged after |without converging \()\d+ iteration")).first
    found = re.search(r"(\d+) iteration", text.inner_text())
    assert found is not None
    return int(found.group(1))


def iterations(app) -> list[int]:
    return [i for i, _ in app.drawn()]


def test_fit_at_the_defaults_draws_every_iteration_in_order(app):
    app.record_iterations()
    app.click("Fit")
    app.final_view(PLAYBACK_TIMEOUT_S)
    last = last_iteration(app)
    assert iterations(app) == list(range(last + 1))
    app.assert_healthy()


def test_every_fifth_iteration_then_replay_from_zero(app):
    app.set_number("Show every n-th iteration", 5)
    app.set_number("Frames per second", 30)
    app.record_iterations()
    app.click("Fit")
    app.final_view(PLAYBACK_TIMEOUT_S)
    last = last_iteration(app)
    expected = [*range(0, last + 1, 5)]
    if expected[-1] != last:
        expected.append(last)
    assert iterations(app) == expected
    app.record_iterations()
    app.click("Replay")
    app.page.get_by_role("button", name="Skip to the end", exact=True).wait_for(timeout=30_000)
    app.final_view(PLAYBACK_TIMEOUT_S)
    drawn = iterations(app)
    # the final view's scrub frame shows the last iteration before Replay starts at 0
    assert drawn[drawn.index(0) :] == expected
    app.assert_healthy()


def gaps_after(drawn: list[tuple[int, float]], start_ms: float) -> list[float]:
    times = [t for _, t in drawn if t >= start_ms]
    return [(b - a) / 1000 for a, b in itertools.pairwise(times)]


def test_changing_fps_mid_playback_leaves_no_gap_and_the_rate_follows(app):
    """1 -> 3 -> 1 frames a second: rates this machine's headless browser can draw (it
    needs about 0.25 s a frame), so the gaps measure the playback's rule, not the browser.

    Each phase waits for a number of frames drawn after the change (not for a fixed
    iteration), so a change that reaches the server late still leaves gaps to measure.
    """
    app.set_number("Frames per second", 1)
    app.record_iterations()
    app.click("Fit")
    app.wait_drawn(4)
    raised_at = app.page.evaluate("performance.now()")
    app.set_number("Frames per second", 3, settle=False)
    app.wait_drawn(iterations(app)[-1] + 8)
    lowered_at = app.page.evaluate("performance.now()")
    app.set_number("Frames per second", 1, settle=False)
    last_slow = iterations(app)[-1] + 8
    app.wait_drawn(last_slow)
    app.click("Skip to the end")
    app.final_view(60)
    drawn = [d for d in app.drawn() if d[0] <= last_slow]
    shown = [i for i, _ in drawn]
    assert shown == list(range(last_slow + 1)), shown
    first_fast = min(t for _, t in drawn if t >= raised_at)
    assert (first_fast - raised_at) / 1000 < 1.0 + 1 / 3  # the new rate within a second
    fast = gaps_after([d for d in drawn if d[1] < lowered_at], raised_at + 1000)
    slow = gaps_after(drawn, lowered_at + 1500)
    assert len(fast) >= 3 and len(slow) >= 3, (fast, slow)
    assert 0.25 < statistics.median(fast) < 0.55, fast
    assert 0.8 < statistics.median(slow) < 1.4, slow


def test_changing_every_mid_playback_continues_from_the_nearest_frame(app):
    app.set_number("Frames per second", 6)
    app.record_iterations()
    app.click("Fit")
    app.wait_drawn(13)
    app.set_number("Show every n-th iteration", 10, settle=False)
    app.final_view(PLAYBACK_TIMEOUT_S)
    last = last_iteration(app)
    shown = iterations(app)
    # one step at a time until the change, then by tens from the nearest frame at or
    # before the iteration on screen when it came
    j = next(i for i in range(len(shown) - 1) if shown[i + 1] != shown[i] + 1)
    assert shown[: j + 1] == list(range(shown[j] + 1))
    at_change, start = shown[j], shown[j + 1]
    assert start == 10 * (at_change // 10) or (at_change % 10 == 0 and start == at_change + 10)
    expected = [*range(start, last + 1, 10)]
    if expected[-1] != last:
        expected.append(last)
    assert shown[j + 1 :] == expected


def test_pause_step_and_resume_leave_no_gap(app):
    app.set_number("Frames per second", 10)
    app.record_iterations()
    app.click("Fit")
    app.wait_drawn(5)
    app.page.locator("label").filter(has_text="Pause").first.click()
    expect(app.page.get_by_test_id("stMain").get_by_role("switch")).not_to_be_checked(timeout=10_000)
    app.idle()
    paused_on = iterations(app)[-1]
    app.click("Step forward")
    app.wait_showing(paused_on + 1)
    app.click("Step back")
    app.wait_showing(paused_on)
    app.page.locator("label").filter(has_text="Play").first.click()
    app.final_view(PLAYBACK_TIMEOUT_S)
    last = last_iteration(app)
    shown = iterations(app)
    back = shown.index(paused_on + 1) + 1  # the step back to paused_on
    assert shown[:back] == list(range(paused_on + 2))
    assert shown[back:] == list(range(paused_on, last + 1))


@pytest.mark.viewport(1280, 720)
def test_a_projector_sees_frame_strip_counter_and_controls_then_the_whole_final_view(app):
    app.record_iterations()
    app.click("Fit")
    charts = app.page.get_by_test_id("stVegaLiteChart")
    app.wait_drawn(3)
    app.page.locator("label").filter(has_text="Pause").first.click()
    app.idle()
    app.shot("playback_1280x720")
    inside = app.page.evaluate(
        """() => {
          // the frame (density, responsibilities, strip); the parameters' paths come after, below the fold
          const boxes = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].slice(0, 3)
            // the controls shown (the buttons of closed expanders below are not)
            .concat([...document.querySelectorAll("[data-testid='stMain'] [data-testid='stButton']")]
              .filter(e => e.innerText.trim()))
            .concat([...document.querySelectorAll("[data-testid='stMain'] [data-testid='stProgress']")])
            .concat([...document.querySelectorAll("[data-testid='stMain'] [data-testid='stCheckbox']")]);
          return boxes.map(e => { const r = e.getBoundingClientRect();
            return [e.dataset.testid, r.top >= 0 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1]; });
        }"""
    )
    kinds = [k for k, _ in inside]
    assert kinds.count("stVegaLiteChart") == 3 and kinds.count("stButton") >= 3, inside
    assert all(ok for _, ok in inside), inside
    app.click("Skip to the end")
    app.final_view(60)
    app.idle()
    expect(charts.first).to_be_visible()
    app.shot("final_1280x720")
    visible = app.page.evaluate(
        """() => {
          const want = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].slice(0, 2)
            .concat([...document.querySelectorAll("[data-testid='stMain'] [data-testid='stButton']")].slice(0, 1))
            .concat([...document.querySelectorAll("[data-testid='stDownloadButton']")]);
          return want.map(e => { const r = e.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= innerHeight + 1; });
        }"""
    )
    assert len(visible) == 6 and all(visible), visible  # 2 charts, Replay, 3 downloads
    titles = app.chart_text()
    assert "mixture densit" in titles and "weighted components" in titles


@pytest.mark.viewport(390, 844)
def test_on_a_phone_fit_closes_the_sidebar_and_the_legend_fits_the_screen(app):
    """On a phone the sidebar covers the page: Fit closes it so the playback is in view."""
    sidebar = app.page.get_by_test_id("stSidebar")
    app.page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    app.record_iterations()
    app.click("Fit")
    expect(sidebar).to_have_attribute("data-collapsed", "true", timeout=30_000)
    app.wait_drawn(2)
    app.shot("playback_390x844")
    overflow = app.page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] svg g.role-legend")]
             .map(e => e.getBoundingClientRect())
             .filter(r => r.width > 0 && (r.left < 0 || r.right > innerWidth + 1))
             .map(r => [r.left, r.right, innerWidth])"""
    )
    legends = app.page.locator("[data-testid='stVegaLiteChart'] svg g.role-legend").count()
    assert legends >= 1 and overflow == [], overflow
    app.assert_healthy()


def test_clicks_on_the_data_place_the_start_means_em_then_starts_from(app, app_url):
    """Init "your own", K = 2: two clicks on the data chart place C1's and C2's means at
    the clicked x (the bin there: within a bin width); the link carries the start, and
    Fit plays from it (the AppTest checks that start bit for bit)."""
    from urllib.parse import parse_qs, urlparse

    from emgmm.sampling import simulate
    from emgmm.viz import plotdata

    lo, hi = plotdata.x_domain(simulate(5, 1.5, 2000, 1)[1])
    bin_width = (hi - lo) / 50
    app.page.goto(app_url + "?init=custom&n_fit=2")
    chart = app.page.get_by_test_id("stVegaLiteChart").first
    chart.wait_for(timeout=60_000)
    app.idle()
    plot = chart.evaluate(
        """e => { const b = [...e.querySelectorAll('svg path.background')]
             .map(p => p.getBoundingClientRect()).sort((a, c) => c.width * c.height - a.width * a.height)[0];
             return [b.left, b.top, b.width, b.height]; }"""
    )
    left, top, width, height = plot
    wanted = [-2.0, 1.0]
    for i, value in enumerate(wanted):
        app.page.mouse.click(left + (value - lo) / (hi - lo) * width, top + height / 2)
        app.page.wait_for_function(  # the link follows the start: mean i moved to the click
            f"(() => {{ const s = new URLSearchParams(location.search).get('start');"
            f" return s && Math.abs(Number(s.split(',')[{i}].split(':')[1]) - ({value})) <= {bin_width}; }})()",
            timeout=30_000,
        )
        app.idle()
    start = parse_qs(urlparse(app.page.url).query)["start"][0]
    means = [float(part.split(":")[1]) for part in start.split(",")]
    assert abs(means[0] - wanted[0]) <= bin_width and abs(means[1] - wanted[1]) <= bin_width, (means, wanted)
    app.shot("your_start_1280")
    app.record_iterations()
    app.click("Fit")
    app.wait_drawn(0)
    app.assert_healthy()
