"""Binned data: a value column with a count column beside it, read as weighted observations."""

from __future__ import annotations

import numpy as np
import pytest

from emgmm.io.parsing import parse_table
from emgmm.io.weighting import weighted_values


def test_rows_with_a_bad_value_or_weight_are_dropped_and_the_rest_weighted():
    table = parse_table(b"v,count\n1,3\n2,0\nx,4\n4,2.5\n5,\n")
    weighted = weighted_values(table, "v", "count")
    np.testing.assert_array_equal(weighted.values.x, [1.0, 2.0, 4.0])
    np.testing.assert_array_equal(weighted.weights, [3.0, 0.0, 2.5])
    assert weighted.values.n_dropped == 2
    assert weighted.note() == "weighted by 'count': 3 rows stand for 5.5 observations"


@pytest.mark.parametrize(
    ("content", "weights", "message"),
    [
        (b"v,c\n1,0\n2,0\n", "c", "No row has a positive weight in 'c'"),
        (b"v,c\n1,1\n", "v", "both the values"),
    ],
)
def test_weights_that_cannot_be_used_say_what_to_pick(content, weights, message):
    with pytest.raises(ValueError, match=message):
        weighted_values(parse_table(content), "v", weights)
