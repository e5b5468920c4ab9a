"""Issue 20 on the page: any finite data, in any session, reaches every view with no
exception and no error box for a number it was given (AppTest)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings

from tests.support.apptest import charts_of, fit, no_exception, set_number, skip_to_end, start
from tests.support.finite_data import finite_data, pasted

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

#: What the page may show in an error box for data it was given: EM's own report of a
#: fall of the log-likelihood beyond float64's resolution (a result, not a refusal).
FIT_REPORT = "Stopped after"


def no_error(at: AppTest, stage: str) -> None:
    no_exception(at)
    boxes = [e.value for e in at.error if not e.value.startswith(FIT_REPORT)]
    assert not boxes, (stage, boxes)


def pasted_page(text: str, n_fit: int = 2) -> AppTest:
    at = start({"source": "paste", "n_fit": str(n_fit), "max_iter": "50"})
    at.text_area(key="paste").set_value(text).run()
    no_error(at, "data view")
    assert charts_of(at), "the data view draws its charts"
    return at


def to_final_view(at: AppTest) -> AppTest:
    fit(at)
    no_error(at, "fit")
    skip_to_end(at)
    no_error(at, "final view")  # goodness of fit is computed here too
    return at


def every_analysis(at: AppTest) -> None:
    """The bootstrap, Choose K and Explore starts, each run once, cheaply."""
    at.number_input(key="n_boot").set_value(20).run()
    at.button(key="run_bootstrap").click().run()
    no_error(at, "bootstrap")
    at.button(key="select_k").click().run()
    no_error(at, "choose K")
    at.number_input(key="n_starts").set_value(2).run()
    at.button(key="run_starts").click().run()
    no_error(at, "explore starts")


@pytest.mark.slow
def test_a_range_past_the_largest_float_reaches_every_view():
    # issue 20: the data view widened 1e308 -1e308 1 2 3 to -inf..inf and np.histogram raised
    every_analysis(to_final_view(pasted_page("1e308 -1e308 1 2 3")))


@pytest.mark.slow
@pytest.mark.parametrize("bins", [50, 200])
def test_microsecond_timestamps_draw_the_bins_float64_resolves_and_say_why(bins):
    # issue 20: "Too many bins for data range" (bins narrower than a float64 step of 0.25)
    at = start({"source": "paste", "n_fit": "2"})
    set_number(at, "bins", bins)
    at.text_area(key="paste").set_value(" ".join(str(1700000000000000 + i) for i in range(11))).run()
    no_error(at, "data view")
    assert any(f"{bins} bins would be narrower than float64 resolves here" in c.value for c in at.caption)
    to_final_view(at)


@pytest.mark.slow
def test_nanosecond_timestamps_in_duplicate_groups_run_the_bootstrap():
    # issue 20: the replicates' histogram had one bin (value +- 0.5) that rounded away at 1.7e18
    at = to_final_view(pasted_page(" ".join(["1.7e18"] * 10 + ["1.700001e18"] * 10)))
    every_analysis(at)
    assert any("Bootstrap:" in str(c.get("title")) for c in charts_of(at))


@pytest.mark.slow
def test_a_weight_column_summing_past_the_largest_float_is_refused_by_the_engines_check():
    # issue 20: 1e308 twice made the strip's probabilities NaN; the page never asked the check
    at = start({"source": "upload", "n_fit": "2"})
    content = b"value,weight\n1.5,1e308\n2.5,1e308\n4,1\n"  # not 1, 2, 3: a row index
    at.file_uploader(key="upload").set_value(("w.csv", content, "text/csv")).run()
    at.selectbox(key="weight_column").set_value("weight").run()
    no_exception(at)
    assert [e.value for e in at.error] == [
        "w.csv: weights: sum beyond float64's range (the largest is 1e+308); divide them by a constant "
        "(only the log-likelihood scales with them)."
    ]


@pytest.mark.slow
def test_a_weight_column_of_tiny_weights_fits_as_unit_weights():
    # issue 20: weights all 1e-20 stopped after one iteration
    tables = []
    for weight in ("1", "1e-20"):
        at = start({"source": "upload", "n_fit": "2", "init": "quantile"})
        rows = "\n".join(f"{v},{weight}" for v in (1.0, 1.5, 2.0, 2.2, 7.0, 7.5, 8.0, 8.1))
        at.file_uploader(key="upload").set_value(("w.csv", f"value,w\n{rows}\n".encode(), "text/csv")).run()
        at.selectbox(key="weight_column").set_value("w").run()
        to_final_view(at)
        tables.append(at.dataframe[0].value)
    np.testing.assert_allclose(tables[1]["mean"], tables[0]["mean"], rtol=1e-12)


#: The bootstrap and the likelihood-ratio test read weights as counts: they refuse, by
#: name, weights standing for more observations than a resampled set can draw.
COUNTS_REFUSAL = "weights: sum to"


@pytest.mark.slow
@pytest.mark.parametrize("weight", ["5e-324", "1e-20", "1e20", "1e300"])
def test_a_weight_column_of_any_scale_reaches_every_view(weight):
    at = start({"source": "upload", "n_fit": "2", "init": "quantile", "max_iter": "50"})
    rows = "\n".join(f"{v},{weight}" for v in (1.0, 1.5, 2.0, 2.2, 7.0, 7.5, 8.0, 8.1))
    at.file_uploader(key="upload").set_value(("w.csv", f"value,w\n{rows}\n".encode(), "text/csv")).run()
    at.selectbox(key="weight_column").set_value("w").run()
    to_final_view(at)
    at.number_input(key="n_boot").set_value(20).run()
    at.button(key="run_bootstrap").click().run()
    no_exception(at)
    assert all(e.value.startswith(COUNTS_REFUSAL) for e in at.error), [e.value for e in at.error]
    for key in ("select_k", "run_lrt"):
        at.button(key=key).click().run()
        no_exception(at)
    at.number_input(key="n_starts").set_value(2).run()
    at.button(key="run_starts").click().run()
    no_exception(at)
    assert all(e.value.startswith(COUNTS_REFUSAL) for e in at.error), [e.value for e in at.error]


# The property: pastes across float64's range, through the page (AppTest, the slow tier):
# the data view of a few (about a second each), and more through Fit, the final view and
# every analysis. The fast tier holds the views' own property (tests/viz/test_any_finite_views.py).
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large]


@pytest.mark.slow
@given(x=finite_data(max_points=12))
@settings(max_examples=2, deadline=None, suppress_health_check=HEALTH)
def test_any_pasted_data_has_a_data_view(x):
    pasted_page(pasted(x))


@pytest.mark.slow
@given(x=finite_data(max_points=24))
# found by HYPOTHESIS_PROFILE=explore: the final table's number format took log10(0)
@example(x=np.array([np.finfo(np.float64).max, -np.finfo(np.float64).max]))
@settings(max_examples=6, deadline=None, suppress_health_check=HEALTH)
def test_any_pasted_data_reaches_every_view(x):
    every_analysis(to_final_view(pasted_page(pasted(x))))
