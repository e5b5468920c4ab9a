"""What the page says about new values classified by the fit (``app.difference``)."""

from __future__ import annotations

import numpy as np

from emgmm import GMM, compare_assignments, predict
from emgmm.app.difference import SAME_SHARE, difference_sentence, outside_sentence, share_sentence

MODEL = GMM([0.5, 0.5], [0.0, 10.0], [1.0, 1.0])


def comparison(first: list[float], second: list[float]):
    return compare_assignments(predict(first, MODEL), predict(second, MODEL))


def test_the_component_whose_share_moved_most_is_named_with_both_shares():
    # fitted: 4 of 5 at 0 (C1 80 %, C2 20 %); new: 2 of 5 at 0 (C1 40 %, C2 60 %)
    sentence = share_sentence(comparison([0, 0, 0, 0, 10], [0, 0, 10, 10, 10]))
    assert sentence == "Component 2 holds 60 % of the new values against 20 % of the fitted ones."


def test_shares_within_five_points_read_as_the_same():
    table = comparison([0.0] * 50 + [10.0] * 50, [0.0] * 52 + [10.0] * 48)
    assert abs(table["share_difference"]).max() < SAME_SHARE
    assert share_sentence(table).startswith(
        "The new values share out among the components as the fitted ones do"
    )


def test_values_outside_the_fitted_range_are_counted_on_each_side():
    assert outside_sentence(np.array([1.0, 2.0]), (0.0, 3.0)) == ""
    one = outside_sentence(np.array([1.0, 4.0]), (0.0, 3.0))
    assert one.startswith("1 new value lies outside the fitted data's range, 0 to 3 (1 above)")
    three = outside_sentence(np.array([-1.0, 1.0, 4.0, 5.0]), (0.0, 3.0))
    assert three.startswith("3 new values lie outside the fitted data's range, 0 to 3 (1 below, 2 above)")
    both = difference_sentence(comparison([0, 10], [0, 10]), np.array([-1.0, 20.0]), (-0.5, 10.5))
    assert "share out" in both and "2 new values lie outside" in both
