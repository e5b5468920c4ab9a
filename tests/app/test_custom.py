"""Your own start: the table's rules (normalise, floor, refuse), clicks placing means, the link form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from emgmm.app import custom
from emgmm.model import GMM


def table(weights, means, sds) -> pd.DataFrame:
    return custom.table_of(GMM(np.asarray(weights) / np.sum(weights), means, sds)).assign(weight=weights)


def test_weights_are_normalised_and_sds_floored_with_a_note_for_each():
    model, notes = custom.read_start(table([1.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.0, 1e-9, 0.5]), 1e-3)
    np.testing.assert_array_equal(model.weights, [0.25, 0.25, 0.5])
    np.testing.assert_array_equal(model.sds, [1.0, 1e-3, 0.5])
    assert notes == [
        "weights divided by their sum, 4, to sum to 1",
        "sd of C2 raised to the fit's floor, 0.001",
    ]
    _, none = custom.read_start(table([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), 1e-3)
    assert none == []


@pytest.mark.parametrize(
    ("weights", "means", "message"),
    [
        ([-1.0, 2.0], [0.0, 1.0], "the weight of C1 is negative"),
        ([0.0, 0.0], [0.0, 1.0], "every weight is 0"),
        ([0.5, 0.5], [0.0, np.nan], "the mean of C2 is not a number"),
    ],
)
def test_what_cannot_start_em_is_refused_saying_what_to_change(weights, means, message):
    bad = pd.DataFrame({"component": [1, 2], "weight": weights, "mean": means, "sd": [1.0, 1.0]})
    with pytest.raises(ValueError, match=message):
        custom.read_start(bad, 1e-3)


def test_clicks_place_the_means_in_turn():
    start = custom.default_table(np.linspace(0, 10, 101), 3)
    placed = custom.place_mean(custom.place_mean(start, 7.5, 0), -1.0, 1)
    assert placed["mean"].tolist()[:2] == [7.5, -1.0]
    assert custom.place_mean(placed, 3.0, 3)["mean"].iloc[0] == 3.0  # the fourth click: C1 again
    assert start["mean"].tolist() == pytest.approx(
        np.quantile(np.linspace(0, 10, 101), [1 / 6, 1 / 2, 5 / 6])
    )


def test_a_change_of_k_keeps_what_was_set():
    x = np.linspace(0, 10, 101)
    start = custom.place_mean(custom.default_table(x, 2), 9.0, 0)
    assert custom.resized(start, 3, x)["mean"].iloc[0] == 9.0 and len(custom.resized(start, 3, x)) == 3
    assert custom.resized(start, 1, x)["mean"].tolist() == [9.0]


def test_the_link_form_round_trips_and_refuses_junk():
    model = GMM([0.3, 0.7], [-2.0, 1.5], [1.0, 0.5])
    text = custom.encode_start(model)
    assert text == "0.3:-2.0:1.0,0.7:1.5:0.5"
    back, _ = custom.read_start(custom.decode_start(text), 1e-6)
    assert back == model
    for junk in ("", "1:2", "a:b:c", ",".join(["1:0:1"] * 11)):
        with pytest.raises(ValueError):
            custom.decode_start(junk)


def test_editor_edits_apply_to_the_table():
    start = custom.default_table(np.linspace(0, 10, 101), 2)
    edited = custom.apply_edits(start, {"edited_rows": {1: {"mean": 4.0, "component": 9}}})
    assert edited["mean"].iloc[1] == 4.0 and edited["component"].tolist() == [1, 2]
    assert custom.apply_edits(start, None).equals(start)
