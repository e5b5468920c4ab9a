"""The dashboard driven headless with Streamlit's AppTest (no browser)."""

import json

import pytest

from emgmm.app import settings
from tests.support.apptest import (
    button,
    charts_of,
    fit,
    no_exception,
    number_value,
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


def test_fit_plays_then_steps_and_skips_to_the_final_view():
    at = fit(start())
    no_exception(at)
    assert any(t and t.startswith("Iteration 0: -LL = ") for t in titles(at))
    assert at.get("progress")[0].proto.text.startswith("Frame 1 of ")
    button(at, "Step forward").click().run()
    assert any(t and t.startswith("Iteration 1: -LL = ") for t in titles(at))
    button(at, "Step forward").click().run()
    button(at, "Step back").click().run()
    assert any(t and t.startswith("Iteration 1: -LL = ") for t in titles(at))
    skip_to_end(at)
    no_exception(at)
    assert at.success and at.success[0].value.startswith("Converged after ")
    assert "-Log-likelihood by iteration" in titles(at)
    assert "True & EM-fit mixture densities, p(x)" in titles(at)
    assert at.get("download_button")
    # the scrub slider moves the frame's title
    at.slider(key="scrub").set_value(3).run()
    assert any(t and t.startswith("Iteration 3: -LL = ") for t in titles(at))


def test_changing_a_control_after_fit_clears_the_fit():
    at = fit(start())
    skip_to_end(at)
    assert at.success
    set_number(at, "n_points", 3000)
    no_exception(at)
    assert not at.success and "The data" in titles(at)
    assert "play" not in at.session_state


def test_stopped_at_max_iterations_is_said():
    at = start({"max_iter": "2"})
    fit(at)
    skip_to_end(at)
    assert at.warning and "Stopped at max iterations without converging" in at.warning[0].value


def test_chart_specs_have_expected_layers_and_at_most_5000_rows():
    at = fit(start({"n_points": "1000000"}))
    no_exception(at)
    specs = charts_of(at)
    # histogram, the curves an M-step moved from (faint), components, mixture, heading
    frame = next(s for s in specs if "layer" in s and len(s["layer"]) == 5)
    assert [layer["mark"]["type"] for layer in frame["layer"]] == ["rect", "line", "line", "line", "text"]
    for c in at.get("vega_lite_chart"):
        for ds in c.proto.datasets:
            import pyarrow as pa

            assert pa.ipc.open_stream(ds.data.data).read_all().num_rows <= 5000
    assert any("showing 2,000 of 1,000,000 points" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "key", ["n_real", "spread", "n_points", "seed", "n_fit", "max_iter", "n_init", "every", "fps"]
)
def test_each_control_at_its_minimum_and_maximum(key):
    control = settings.BY_KEY[key]
    at = start()
    for value in (control.low, control.high):
        kind = int if control.kind == "int" else float
        if key == "n_points" and value == control.high:
            continue  # a million points: covered by the chart-size test and the e2e test
        set_number(at, key, kind(value))
        no_exception(at)
        assert number_value(at, key) == kind(value)
        if key not in ("seed",):
            fit(at)
            no_exception(at)
            assert at.error or any(t and t.startswith("Iteration 0") for t in titles(at))


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


def test_play_switch_pauses_and_resumes_the_playback():
    at = fit(start())
    assert at.toggle(key="play_switch").value is True and at.session_state["play"].playing
    assert at.toggle(key="play_switch").label == "Pause"  # says what a press will do
    at.toggle(key="play_switch").set_value(False).run()
    no_exception(at)
    assert at.session_state["play"].playing is False
    assert at.toggle(key="play_switch").label == "Play"
    button(at, "Step forward").click().run()
    assert at.toggle(key="play_switch").value is False
    at.toggle(key="play_switch").set_value(True).run()
    assert at.session_state["play"].playing is True
