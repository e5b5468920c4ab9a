"""The dashboard driven headless with Streamlit's AppTest (no browser)."""

import json

import pytest

from emgmm import GMM
from emgmm.why import parameter_text
from tests.support.apptest import (
    button,
    charts_of,
    fit,
    no_exception,
    number_value,
    player_args,
    player_says,
    set_number,
    skip_to_end,
    start,
    titles,
)

pytestmark = pytest.mark.slow  # each test runs the whole page (AppTest)


def test_defaults_draw_the_data_view_without_exception():
    at = start()
    no_exception(at)
    assert "The data" in titles(at)
    assert any("2,000 points drawn from a random mixture of 5 Gaussians" in c.value for c in at.caption)
    widgets = {w.key: w.value for w in at.number_input}
    assert widgets["n_real"] == 5 and widgets["n_fit"] == 5 and widgets["max_iter"] == 300
    assert widgets["spread"] == 1.5 and number_value(at, "n_points") == 2000 and widgets["every"] == 1


def test_fit_sends_the_whole_playback_once_then_the_end_shows_the_final_view():
    at = fit(start())
    no_exception(at)
    args = player_args(at)
    assert args["mode"] == "play" and args["settings"] == {
        "every": 1,
        "fps": 8,
        "half_steps": False,
        "colour_by": "component",
    }
    payload = args["payload"]
    headings = [frame["title"] for frame in payload["frames"]["iterations"]]
    assert len(headings) == payload["n_iter"] + 1 and headings[0].startswith("Iteration 0: -LL = ")
    assert len(payload["frames"]["half_steps"]) == 2 * payload["n_iter"] + 1
    at.run()  # a rerun (any click elsewhere) sends the same playback, not a new one
    assert player_args(at)["payload"]["fit"] == payload["fit"] and player_args(at)["token"] == args["token"]
    skip_to_end(at)
    no_exception(at)
    assert at.success and at.success[0].value.startswith("Converged after ")
    assert "True & EM-fit mixture densities, p(x)" in titles(at)
    assert at.get("download_button")
    # the payload carries the bound's points: every frame draws its M-step's bound
    assert payload["bound"]["exact"] and len(payload["bound"]["points"]) == 2_000
    assert ["bound"] in payload["rows"]
    # the algorithm's formulas with the last iteration's numbers in, as the engine writes them
    models = payload["models"]
    last = GMM(models["weights"][-1], models["means"][-1], models["sds"][-1])
    numbers = next(
        m.value for m in at.markdown if m.value.startswith("With the numbers of the fit on screen")
    )
    listed = [line.removeprefix("- `").removesuffix("`") for line in numbers.split("\n\n", 1)[1].split("\n")]
    assert listed[:-1] == parameter_text(last, payload["total"])
    assert listed[-1].startswith("log L = -")
    # the scrub: the same playback, still on its last frame
    still = player_args(at)
    assert still["mode"] == "still" and still["payload"]["fit"] == payload["fit"]
    button(at, "Replay").click().run()
    assert player_args(at)["mode"] == "play" and player_args(at)["token"] > args["token"]


def test_changing_a_control_after_fit_clears_the_fit():
    at = fit(start())
    skip_to_end(at)
    assert at.success
    set_number(at, "n_points", 3000)
    no_exception(at)
    assert not at.success and "The data" in titles(at)
    assert "shown" not in at.session_state


def test_stopped_at_max_iterations_is_said():
    at = start({"max_iter": "2"})
    fit(at)
    skip_to_end(at)
    assert at.warning and "Stopped at max iterations without converging" in at.warning[0].value


def test_the_playback_of_a_million_points_is_small_and_its_views_are_layered():
    # 20 iterations: what grows with the points is bounded here; what grows with the
    # iterations is the frames, 300 of them at 10^6 points in benchmarks/bench_app.py
    at = fit(start({"n_points": "1000000", "max_iter": "20"}))
    no_exception(at)
    payload = player_args(at)["payload"]
    # histogram, the curves an M-step moved from (faint), components, mixture
    top = payload["templates"]["top"]
    assert [layer["mark"]["type"] for layer in top["layer"]] == ["rect", "line", "line", "line"]
    assert len(payload["strip"]["values"]) == 2000  # the strip's subsample, not the data
    assert len(json.dumps(payload)) < 1_000_000
    for spec in payload["templates"].values():
        assert all(len(rows) <= 5000 for rows in spec.get("datasets", {}).values())
    assert any("showing 2,000 of 1,000,000 points" in c.value for c in at.caption)


def test_new_data_draws_a_fresh_seed():
    at = start()
    before = number_value(at, "seed")
    button(at, "New data").click().run()
    assert number_value(at, "seed") != before


def test_link_settings_round_trip_and_malformed_values_warn():
    at = start({"n_fit": "3", "init": "quantile", "tied": "true", "spread": "abc", "n_points": "-5"})
    no_exception(at)
    assert number_value(at, "n_fit") == 3
    assert at.session_state["init"] == "quantile" and at.session_state["tied"] is True
    assert len(at.warning) == 1  # one compact box for all the refused values
    assert "spread = 'abc'" in at.warning[0].value and "n_points = '-5'" in at.warning[0].value
    assert number_value(at, "spread") == 1.5
    # the URL carries the settings that differ from the defaults
    assert at.query_params["n_fit"] in ("3", ["3"]) and "spread" not in at.query_params


def test_example_data_fits_alone_without_comparison_table():
    at = start({"source": "example", "example": "old_faithful", "n_fit": "2"})
    no_exception(at)
    assert any("Old Faithful" in c.value for c in at.caption)
    fit(at)
    skip_to_end(at)
    no_exception(at)
    assert "Fitted components" in " ".join(m.value for m in at.markdown)
    # no true model: no "True" in any title or legend
    assert "EM-fit mixture density, p(x)" in titles(at)
    assert not any("True" in (t or "") for t in titles(at))
    assert "True" not in json.dumps(charts_of(at))


def test_pasted_numbers_and_their_errors():
    at = start({"source": "paste"})
    assert at.info  # asks for numbers
    at.text_area(key="paste").set_value("1 2 3 x 10 11 12").run()
    no_exception(at)
    assert any("dropped 1 of 7 values: not a number" in c.value for c in at.caption)
    at.text_area(key="paste").set_value("5 5 5 5").run()
    fit(at)
    assert at.error and "two distinct values" in at.error[0].value
    at.text_area(key="paste").set_value("oops").run()
    assert at.error and "No number" in at.error[0].value
    no_exception(at)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"name\nann\nbob\n", "No column"),
        (b"v\n1\n", "two distinct values"),
    ],
)
def test_bad_uploads_say_what_to_do_and_the_next_good_upload_works(content, message):
    at = start({"source": "upload", "n_fit": "2"})
    at.file_uploader(key="upload").set_value(("data.csv", content, "text/csv")).run()
    if not at.error:
        fit(at)
    assert at.error and message in at.error[0].value
    no_exception(at)
    at.file_uploader(key="upload").set_value(("good.csv", b"a;b\n1;10\n2;20\n3;25\n4;31\n", "text/csv")).run()
    no_exception(at)
    assert not at.error
    at.selectbox(key="column").set_value("b").run()
    assert any("column 'b'" in c.value for c in at.caption)
    fit(at)
    no_exception(at)
    assert any(t and t.startswith("Iteration 0") for t in titles(at))


def test_choose_k_draws_criteria_and_sets_fitted_components():
    at = start({"n_real": "3", "spread": "6", "n_points": "600"})
    button(at, "Compute BIC, AIC and ICL").click().run()
    no_exception(at)
    title = next(t for t in titles(at) if t and t.startswith("BIC, AIC and ICL by K"))
    best = int(title.rsplit("=", 1)[1].strip(" )"))
    button(at, f"Use K = {best}").click().run()
    assert number_value(at, "n_fit") == best


def test_switching_data_source_keeps_the_hidden_settings():
    """Regression: Streamlit drops the state of widgets a run does not draw."""
    at = start()
    set_number(at, "n_real", 3)
    at.selectbox(key="source").set_value("example").run()
    no_exception(at)
    at.selectbox(key="source").set_value("random").run()
    no_exception(at)
    assert number_value(at, "n_real") == 3


def test_the_players_settings_reach_the_sidebar_and_the_link_and_the_sidebars_reach_the_player():
    at = fit(start())
    before = player_args(at)
    player_says(at, every=5, fps=24, half_steps=True, colour_by="uncertainty")
    no_exception(at)
    assert number_value(at, "every") == 5 and number_value(at, "fps") == 24
    assert at.toggle(key="half_steps").value is True and at.selectbox(key="colour_by").value == "uncertainty"
    assert at.query_params["every"] == "5" and at.query_params["colour_by"] == "uncertainty"
    after = player_args(at)
    # the player already shows them: not sent back as a change from the page
    assert after["settings"]["every"] == 5 and after["settings_seq"] == before["settings_seq"]
    assert after["mode"] == "play" and after["token"] == before["token"]  # still playing, not restarted
    set_number(at, "fps", 12)
    changed = player_args(at)
    assert changed["settings"]["fps"] == 12 and changed["settings_seq"] > before["settings_seq"]
    assert changed["token"] == before["token"]
    player_says(at, every=500)  # outside the bounds: not taken
    assert number_value(at, "every") == 5
