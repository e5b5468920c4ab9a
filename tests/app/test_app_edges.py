"""The rough edges a new user hit, each checked on the page (AppTest)."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from emgmm.app.links import DATA_PARAM, decode_paste, encode_paste
from tests.support.apptest import (
    button,
    charts_of,
    fit,
    no_exception,
    number_value,
    set_number,
    skip_to_end,
    start,
)

pytestmark = pytest.mark.slow


def query_value(at, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


@pytest.mark.parametrize(
    ("example", "k"), [("old_faithful", 2), ("galaxies", 3), ("old_faithful_durations", 2)]
)
def test_choosing_an_example_sets_the_components_its_literature_fits(example, k):
    at = start()
    at.selectbox(key="source").set_value("example").run()
    at.selectbox(key="example").set_value(example).run()
    no_exception(at)
    assert number_value(at, "n_fit") == k


def test_link_warnings_go_once_the_settings_change():
    at = start({"n_fit": "junk"})
    assert len(at.warning) == 1
    set_number(at, "n_fit", 3)
    assert not at.warning


def test_pasted_data_travels_in_the_link_and_comes_back():
    at = start({"source": "paste"})
    at.text_area(key="paste").set_value("1.5 2.5 3.5 10 11 12").run()
    no_exception(at)
    token = query_value(at, DATA_PARAM)
    assert decode_paste(token) == "1.5 2.5 3.5 10 11 12"
    again = start({"source": "paste", DATA_PARAM: token})
    no_exception(again)
    assert again.text_area(key="paste").value == "1.5 2.5 3.5 10 11 12"
    assert any("6 values" in c.value for c in again.caption)


def test_a_paste_too_large_for_a_link_is_said_so():
    big = " ".join(f"{i * 1.000123456789:.12f}" for i in range(3000))
    assert encode_paste(big) is None
    at = start({"source": "paste"})
    at.text_area(key="paste").set_value(big).run()
    no_exception(at)
    assert DATA_PARAM not in at.query_params
    assert any("does not carry" in c.value for c in at.caption)


def test_a_cut_data_link_warns_and_keeps_the_page():
    at = start({"source": "paste", DATA_PARAM: "eJw"})
    no_exception(at)
    assert len(at.warning) == 1 and "data" in at.warning[0].value


def test_a_paste_survives_switching_the_source_away_and_back():
    at = start({"source": "paste"})
    at.text_area(key="paste").set_value("1 2 3 7 8 9").run()
    at.selectbox(key="source").set_value("random").run()
    at.selectbox(key="source").set_value("paste").run()
    assert at.text_area(key="paste").value == "1 2 3 7 8 9"


def test_new_data_is_relabelled_for_data_a_seed_does_not_draw():
    at = start()
    assert any(b.label == "New data" for b in at.button)
    at.selectbox(key="source").set_value("example").run()
    assert any(b.label == "New start" for b in at.button) and not any(
        b.label == "New data" for b in at.button
    )


def test_the_tolerance_is_a_fit_option_and_a_max_iter_stop_says_how_close_it_was():
    at = start({"max_iter": "5", "tol": "1e-12"})
    no_exception(at)
    assert number_value(at, "tol") == 1e-12
    fit(at)
    skip_to_end(at)
    assert at.warning and "last relative gain was" in at.warning[0].value
    assert "tolerance 1e-10 %" in at.warning[0].value


def test_close_large_means_print_apart():
    values = "\n".join(str(1e12 + d) for d in [0, 1, 2, 0, 1, 2, 40, 41, 42, 40, 41, 42])
    at = start({"source": "paste", "n_fit": "2"})
    at.text_area(key="paste").set_value(values).run()
    fit(at)
    skip_to_end(at)
    no_exception(at)
    frame = at.dataframe[0]
    means = frame.value["mean"].tolist()
    fmt = json.loads(at.dataframe[0].proto.columns)["mean"]["type_config"]["format"]
    assert len({fmt % m for m in means}) == len(set(means))


def test_the_final_view_offers_history_model_and_points():
    at = fit(start())
    skip_to_end(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["History", "Model", "Points"]


def test_histogram_bins_are_a_control():
    at = start({"bins": "20"})
    no_exception(at)
    element = next(
        e
        for e, spec in zip(at.get("vega_lite_chart"), charts_of(at), strict=True)
        if spec.get("title") == "The data"
    )
    rows = [pa.ipc.open_stream(d.data.data).read_all().num_rows for d in element.proto.datasets]
    assert rows == [20]


def test_a_typo_outlier_is_pointed_out_and_does_not_merge_the_clusters():
    values = " ".join(["-3.1 -3 -2.9 -3.05 -2.95"] * 4 + ["2.9 3 3.1 2.95 3.05"] * 4 + ["1e9"])
    at = start({"source": "paste", "n_fit": "3"})
    at.text_area(key="paste").set_value(values).run()
    fit(at)
    skip_to_end(at)
    no_exception(at)
    assert any("far from the rest" in i.value for i in at.info)
    means = sorted(at.dataframe[0].value["mean"].tolist())
    assert abs(means[0] + 3) < 0.1 and abs(means[1] - 3) < 0.1


def test_choose_k_on_one_distinct_value_says_why_instead_of_crashing():
    at = start({"source": "paste"})
    at.text_area(key="paste").set_value("4 4 4 4 4").run()
    button(at, "Compute BIC, AIC and ICL").click().run()
    no_exception(at)
    assert any("two distinct values" in e.value for e in at.error)


@pytest.mark.parametrize(
    "typed, points", [("1e6", 1_000_000), ("12,000", 12_000), ("3 000", 3_000), ("2.5e3", 2_500)]
)
def test_points_are_read_as_a_person_writes_them(typed, points):
    at = start()
    at.text_input(key="n_points__text").input(typed).run()
    no_exception(at)
    assert at.session_state["n_points"] == points
    assert at.text_input(key="n_points__text").value == f"{points:,}"


@pytest.mark.parametrize("typed", ["", "lots", "1,5", "2.5", "5e6", "-3"])
def test_junk_points_keep_the_previous_value_and_say_what_the_box_takes(typed):
    at = start({"n_points": "3000"})
    at.text_input(key="n_points__text").input(typed).run()
    no_exception(at)
    assert at.session_state["n_points"] == 3000
    assert at.text_input(key="n_points__text").value == "3,000"
    note = " ".join(c.value for c in at.sidebar.caption)
    assert "Points: " in note and "kept 3,000" in note and "from 10 to 1,000,000" in note


def test_a_cleared_number_box_goes_back_to_its_value_not_the_minimum():
    at = start({"n_fit": "4"})
    at.number_input(key="n_fit").set_value(None).run()
    no_exception(at)
    assert at.number_input(key="n_fit").value == 4
    assert any("Fitted components: Left empty: kept 4." in c.value for c in at.sidebar.caption)
