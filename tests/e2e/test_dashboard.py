"""The dashboard in a real browser: headless Chromium against ``streamlit run``."""

import re
import time

import pytest

pytestmark = pytest.mark.e2e

FIT_TIMEOUT_S = 120
#: Bound for Fit to the final view at a million points (measured about 10 s here, with
#: playback skipped; the bound leaves room for a loaded 2-core CI machine).
MILLION_POINTS_BOUND_S = 60
ITERATION = re.compile(r"Iteration (\d+): -LL = ")


def wait_for_text(app, text: str, timeout_s: float):
    app.page.get_by_text(text).first.wait_for(timeout=timeout_s * 1000)


def skip_button(app):
    """The player's, present all through the playback (a frame's heading may last 1/fps s only)."""
    return app.player.get_by_role("button", name="Skip to the end", exact=True)


def test_page_loads_with_the_data_view(app):
    assert app.page.get_by_test_id("stSidebar").is_visible()
    charts = app.page.get_by_test_id("stVegaLiteChart")
    assert charts.count() >= 2
    assert (
        app.page.locator(
            "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
        ).count()
        >= 2
    )
    assert "The data" in app.chart_text()
    app.assert_healthy()


def test_fit_plays_the_iterations_then_shows_the_final_view(app):
    app.set_number("Fitted components", 3)
    app.set_number("Points", 3000)
    app.set_number("Show every n-th iteration", 4)
    app.click("Fit")
    seen: set[int] = set()
    deadline = time.monotonic() + FIT_TIMEOUT_S
    final = app.page.get_by_text(re.compile("Converged after|Stopped at max iterations"))
    heading = app.player.locator(".heading")
    while time.monotonic() < deadline and final.count() == 0:
        if app.page.locator("iframe[title$='.player']").count():
            seen.update(int(m) for m in ITERATION.findall(heading.inner_text(timeout=5_000)))
        if len(seen) == 3:
            app.shot("playback")
        time.sleep(0.1)
    assert len(seen) >= 3, f"playback showed iterations {sorted(seen)}"
    final.first.wait_for(timeout=10_000)
    app.idle()
    assert "True & EM-fit mixture densities, p(x)" in app.chart_text()
    app.player.locator(".view-loglik canvas").wait_for(timeout=10_000)  # the scrub's log-likelihood
    app.shot("final")
    app.assert_healthy()


def test_a_million_points_fit_and_the_page_stays_responsive(app):
    app.set_number("Points", 1_000_000)
    wait_for_text(app, "showing 2,000 of 1,000,000 points", 60)
    t0 = time.monotonic()
    app.click("Fit")
    skip_button(app).click(timeout=MILLION_POINTS_BOUND_S * 1000)
    app.page.get_by_text(re.compile("Converged after|Stopped at max iterations")).first.wait_for(
        timeout=MILLION_POINTS_BOUND_S * 1000
    )
    elapsed = time.monotonic() - t0
    print(f"\nmillion points: Fit to final view in {elapsed:.1f} s")
    assert elapsed < MILLION_POINTS_BOUND_S
    # still responsive: a control change redraws the data view
    app.set_number("Fitted components", 2)
    app.page.locator("svg text", has_text="The data").first.wait_for(timeout=10_000)
    app.assert_healthy()


def test_upload_a_csv_and_fit_it(app, tmp_path):
    path = tmp_path / "waits.csv"
    path.write_text(
        "id;minutes\n" + "\n".join(f"{i};{50 + (i % 7) * 0.5 + 30 * (i % 2)}" for i in range(300))
    )
    app.page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    app.page.get_by_role("option", name="Upload CSV").click()
    app.idle()
    app.page.get_by_test_id("stSidebar").locator("input[type='file']").set_input_files(str(path))
    wait_for_text(app, "column 'minutes'", 30)  # the first column that is not a row index
    app.set_number("Fitted components", 2)
    app.click("Fit")
    skip_button(app).wait_for(timeout=30_000)
    app.assert_healthy()


def test_load_smoke_three_concurrent_sessions():
    """The load benchmark's short version: three sessions at once on a fresh server
    (every 10th iteration shown, to keep the suite short)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    res = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_test", "--sessions", "3", "--query", "every=10"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(res.stdout)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "| 3 | yes |" in res.stdout


def test_a_file_over_the_upload_cap_is_refused_with_a_message(app, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as f:
        line = b"1.2345678901234567\n"
        f.write(line * (51 * 2**20 // len(line) + 1))  # just over the 50 MB cap
    app.page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    app.page.get_by_role("option", name="Upload CSV").click()
    app.idle()
    app.page.get_by_test_id("stSidebar").locator("input[type='file']").set_input_files(str(big))
    app.page.get_by_text(re.compile("must be 50.*MB or smaller", re.IGNORECASE)).first.wait_for(
        timeout=30_000
    )
    # and said in the main area, where a person looks for the data
    main = app.page.get_by_test_id("stMain")
    main.get_by_text(
        re.compile(r"The file was not uploaded: big\.csv: File must be 50.*MB or smaller\. Keep")
    ).first.wait_for(timeout=30_000)
    app.assert_healthy_page()
