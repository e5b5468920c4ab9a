"""Reliability of the dashboard: every control at its extremes and middle, random
combinations, junk in every link parameter. Never an exception. (Hostile uploads: the
reader's messages in ``tests/io``, the page showing them in ``test_app.py``.)"""

import numpy as np
import pytest

from emgmm.app import settings
from tests.support.apptest import (
    fit,
    no_exception,
    number_value,
    set_number,
    skip_to_end,
    start,
    titles,
)

pytestmark = pytest.mark.slow  # each test runs the whole page (AppTest)

NUMERIC = [c for c in settings.CONTROLS if c.kind in ("int", "float")]


def values_of(control):
    kind = int if control.kind == "int" else float
    middle = kind((control.low + control.high) / 2) if control.key != "n_points" else 50_000
    high = control.high if control.key != "n_points" else 200_000  # the million: e2e test
    return [kind(control.low), middle, kind(high)]


def fitted_or_refused(at) -> None:
    no_exception(at)
    if not at.error:
        assert any(t and t.startswith("Iteration 0") for t in titles(at))
        skip_to_end(at)
        no_exception(at)
        assert at.success or at.warning


@pytest.mark.parametrize("control", NUMERIC, ids=[c.key for c in NUMERIC])
def test_each_numeric_control_at_min_middle_and_max_then_fit(control):
    at = start({"max_iter": "50"} if control.key != "max_iter" else {})
    for value in values_of(control):
        set_number(at, control.key, value)
        no_exception(at)
        assert number_value(at, control.key) == value
        fitted_or_refused(fit(at))


@pytest.mark.parametrize(
    "key, value", [("init", "random"), ("init", "quantile"), ("tied", True), ("source", "example")]
)
def test_each_choice_then_fit(key, value):
    at = start({"max_iter": "50"})
    if key == "tied":
        at.toggle(key="tied").set_value(value).run()
    else:
        at.selectbox(key=key).set_value(value).run()
    no_exception(at)
    fitted_or_refused(fit(at))


def test_random_combinations_with_a_fixed_seed():
    rng = np.random.default_rng(2026)
    for _ in range(6):
        query = {}
        for c in NUMERIC:
            if c.key == "n_points":
                query[c.key] = str(int(rng.integers(10, 20_000)))
            elif c.kind == "int":
                query[c.key] = str(int(rng.integers(int(c.low), int(min(c.high, 400)) + 1)))
            else:
                query[c.key] = f"{rng.uniform(c.low, c.high):.3f}"
        query["init"] = str(rng.choice(settings.BY_KEY["init"].choices))
        query["tied"] = str(bool(rng.integers(2))).lower()
        at = start(query)
        no_exception(at)
        assert not at.warning, (query, [w.value for w in at.warning])
        fitted_or_refused(fit(at))


def test_junk_in_every_link_parameter_warns_once_and_runs_on_defaults():
    """Each kind of junk in each parameter is ``test_settings``' (pure); here, the page's
    one warning naming them all, and a fit on the defaults."""
    at = start({c.key: "junk" for c in settings.CONTROLS})
    no_exception(at)
    assert len(at.warning) == 1
    for c in settings.CONTROLS:
        assert f"{c.key} = '" in at.warning[0].value
    assert number_value(at, "n_fit") == 5
    fitted_or_refused(fit(at))


def test_app_never_renders_user_text_as_html():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [root / "streamlit_app.py", *sorted((root / "emgmm" / "page").glob("*.py"))]:
        source = path.read_text()
        assert "unsafe_allow_html" not in source and "st.html" not in source, path
