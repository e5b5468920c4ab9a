"""Issue 20: every view that bins, widens or samples the data works in the data's own
units, from 5e-324 to the largest float and at any offset (``plotdata``, ``screens``,
``analysis.value_bins``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emgmm.scaling import float_step
from emgmm.viz import analysis, plotdata, screens
from tests.support.finite_data import finite_data, weights_for

MAX = float(np.finfo(np.float64).max)


def check_view(view: screens.DataView, x: np.ndarray) -> None:
    """What every data view keeps: a finite, non-empty domain holding the data; a finite
    grid; strictly increasing bin edges; densities finite or left out (NaN, said so) and,
    when all are drawn, a histogram of total mass 1."""
    lo, hi = view.domain
    assert np.isfinite(lo) and np.isfinite(hi) and lo < hi
    assert lo <= x.min() and x.max() <= hi
    assert np.all(np.isfinite(view.grid))
    edges = np.append(view.hist["start"].to_numpy(), view.hist["end"].to_numpy()[-1])
    assert np.all(edges[1:] > edges[:-1]), "a bin rounded away"
    density = view.hist["density"].to_numpy()
    if view.hist.attrs["overflow"]:
        assert "densities pass the largest float" in view.note
    else:
        widths = plotdata.bin_widths(edges)
        # shares of at most 60 points, each rounded once: mass 1 to a few float steps
        mass = float(np.sum(density * widths))
        assert mass == pytest.approx(1.0, rel=64 * np.finfo(np.float64).eps * x.size)
    assert np.isfinite(screens.y_ceiling(view, []))
    assert view.strip_text["x"]


def test_a_range_past_the_largest_float_is_widened_within_it():
    # issue 20: "1e308 -1e308 1 2 3" widened to -inf..inf and np.histogram raised
    x = np.array([1e308, -1e308, 1.0, 2.0, 3.0])
    view = screens.data_view(x, 0)
    assert view.domain == (-1.1e308, 1.1e308)  # 5 % of a range of 2e308 each side
    check_view(view, x)


def test_microsecond_timestamps_get_the_bins_float64_resolves_and_say_why():
    # issue 20: 1.7e15 + i has a float step of 0.25; 50 (or 200) bins over 11 units are narrower
    x = 1700000000000000.0 + np.arange(11.0)
    for bins in (50, 200):
        view = screens.data_view(x, 0, bins=bins)
        check_view(view, x)
        drawn = len(view.hist)
        assert drawn < bins
        assert np.all(np.diff(view.hist["start"]) >= float_step(view.domain[1]))
        assert f"{bins} bins would be narrower than float64 resolves here" in view.note
        assert f"the histogram has {drawn}" in view.note


def test_a_histogram_float64_resolves_has_no_note():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert screens.data_view(x, 0).note == ""


def test_constant_bootstrap_replicates_at_nanoseconds_make_one_bar():
    # issue 20: the replicates of a mean at 1.7e18 were equal; numpy's bar of value +- 0.5 rounded away
    table = analysis.value_bins(np.full(20, 1.7e18))
    assert len(table) == 1 and int(table["count"].iloc[0]) == 20
    assert table["start"].iloc[0] < 1.7e18 < table["end"].iloc[0]


def test_weights_summing_past_the_largest_float_draw_a_strip():
    # issue 20: the strip's sampling probabilities were NaN for weights 1e308, 1e308
    weights = np.array([1e308, 1e308, 1.0])
    index, _ = plotdata.strip_sample(3, 0, max_points=200, weights=weights)
    counts = np.bincount(index, minlength=3)
    assert counts[2] == 0 and counts[0] > 0 and counts[1] > 0
    view = screens.data_view(np.array([1.0, 2.0, 3.0]), 0, weights=weights)
    check_view(view, np.array([1.0, 2.0, 3.0]))


def test_weights_are_relative_in_the_histogram():
    x = np.array([1.0, 2.0, 2.5, 7.0])
    unit = screens.data_view(x, 0, weights=np.ones(4)).hist["density"].to_numpy()
    for scale in (5e-324, 1e-20, 1e300):
        scaled = screens.data_view(x, 0, weights=np.full(4, scale)).hist["density"].to_numpy()
        # the same shares, each rounded once (1e-20 is not a power of two)
        np.testing.assert_allclose(scaled, unit, rtol=4 * np.finfo(np.float64).eps)


def test_data_over_a_few_subnormal_steps_leaves_out_densities_and_says_why():
    x = np.array([5e-324, 1e-323, 1.5e-323, 2e-323])
    view = screens.data_view(x, 0)
    check_view(view, x)
    assert view.hist.attrs["overflow"]


def test_a_value_at_the_largest_float_has_a_domain_and_a_grid():
    x = np.array([1.0, 2.0, MAX])
    check_view(screens.data_view(x, 0), x)


@given(x=finite_data(), bins=st.integers(1, 200), seed=st.integers(0, 3))
@settings(max_examples=30)
def test_every_finite_data_set_has_a_data_view(x, bins, seed):
    check_view(screens.data_view(x, seed, bins=bins), x)


@given(data=st.data(), x=finite_data())
@settings(max_examples=15)
def test_every_weighting_has_a_data_view(data, x):
    weights = data.draw(weights_for(x.size))
    view = screens.data_view(x, 0, weights=weights)
    check_view(view, x)


@given(x=finite_data())
@settings(max_examples=30)
def test_every_finite_sample_of_replicates_bins(x):
    table = analysis.value_bins(x)
    assert int(table["count"].sum()) == x.size
    assert np.all(table["end"].to_numpy() > table["start"].to_numpy())
