"""Classify new data with the fit (AppTest): a second file read as the data upload reads
one, each value's component and uncertainty, and where the new values differ."""

from __future__ import annotations

import numpy as np
import pytest

from emgmm import final_model, predict
from tests.support.apptest import charts_of, fit, no_exception, skip_to_end, start

pytestmark = pytest.mark.slow  # each test runs the whole page (AppTest)

EXPANDER = "Classify new data with this fit"


def final_view(query: dict[str, str] | None = None):
    at = fit(start({"max_iter": "60", **(query or {})}))
    skip_to_end(at)
    no_exception(at)
    return at


def upload(at, content: bytes, name: str = "new.csv"):
    at.file_uploader(key="classify_upload").set_value((name, content, "text/csv")).run()
    no_exception(at)
    return at


def shown_fit(at):
    return final_model(at.session_state["fit_store"].get(at.session_state["play_key"]))


def test_a_second_file_is_classified_by_the_fit_and_compared_with_the_fitted_data():
    at = final_view()
    assert any(EXPANDER in e.label for e in at.expander)
    x = np.round(np.random.default_rng(1).normal(0.0, 1.0, 120), 4)
    upload(at, ("value\n" + "\n".join(f"{v:g}" for v in x)).encode())
    assert not at.error
    table = next(
        d.value for d in at.dataframe if "uncertainty" in d.value.columns and "value" in d.value.columns
    )
    expected = predict(x, shown_fit(at))
    assert list(table.columns) == list(expected.columns)
    r = [f"r{k}" for k in range(1, shown_fit(at).n_components + 1)]
    np.testing.assert_allclose(table[r], expected[r], rtol=1e-12)
    assert table["component"].tolist() == expected["component"].tolist()
    assert any(
        ("Component " in m.value and "of the new values against" in m.value) or "share out" in m.value
        for m in at.markdown
    )
    assert any("new.csv, column 'value': 120 values" in c.value for c in at.caption)
    shares = next(d.value for d in at.dataframe if "new values, %" in d.value.columns)
    assert shares["new values, %"].sum() == pytest.approx(100, abs=0.2)
    titles = [str(spec.get("title")) for spec in charts_of(at)]
    assert any("The new values (bars) under the fitted mixture" in t for t in titles)
    assert any("Each component's share" in t for t in titles)


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"name\nann\nbob\n", "No column")],
)
def test_a_bad_second_file_gets_a_clear_message_and_the_next_good_one_works(content, message):
    at = final_view()
    upload(at, content, "bad.csv")
    assert at.error and at.error[0].value.startswith("bad.csv: ") and message in at.error[0].value
    upload(at, b"v\n0.5\n1.5\n2.5\n", "good.csv")
    assert not at.error
    assert any("good.csv, column 'v': 3 values" in c.value for c in at.caption)


def test_values_outside_the_fitted_range_are_noted():
    at = final_view()
    upload(at, b"v\n-1000\n0\n0.1\n5000\n6000\n")
    sentence = next(m.value for m in at.markdown if "outside the fitted data's range" in m.value)
    assert "3 new values lie outside the fitted data's range" in sentence
    assert "(1 below, 2 above)" in sentence


def test_a_weighted_second_file_counts_each_row_as_its_weight():
    at = final_view()
    upload(at, b"v,count\n-2,1\n0,2\n3,5\n")
    at.selectbox(key="classify_weights").set_value("count").run()
    no_exception(at)
    assert any("rows stand for 8 observations" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if {"weight", "uncertainty"} <= set(d.value.columns))
    assert table["weight"].tolist() == [1.0, 2.0, 5.0]
    model = shown_fit(at)
    components = predict(np.array([-2.0, 0.0, 3.0]), model)["component"].to_numpy()
    shares = next(d.value for d in at.dataframe if "new values, %" in d.value.columns)
    for number, share in zip(range(1, model.n_components + 1), shares["new values, %"], strict=True):
        assert share == pytest.approx(100 * np.dot(components == number, [1, 2, 5]) / 8, abs=0.05)


def test_pasted_values_are_read_as_the_data_paste_is_and_classified():
    at = final_view()
    at.text_area(key="classify_paste").set_value("0.5, 1.5 oops 2.5").run()
    no_exception(at)
    assert any("Pasted values: 3 values; dropped 1 of 4 values: not a number" in c.value for c in at.caption)
    table = next(
        d.value for d in at.dataframe if "uncertainty" in d.value.columns and "value" in d.value.columns
    )
    assert table["value"].tolist() == [0.5, 1.5, 2.5]
    at.text_area(key="classify_paste").set_value("oops").run()
    assert at.error and at.error[0].value.startswith("Pasted values: No number")
    no_exception(at)
