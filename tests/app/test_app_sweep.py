"""Reliability of the dashboard: every control at its extremes and middle, random
combinations, junk in every link parameter, and hostile uploads. Never an exception."""

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


@pytest.mark.parametrize("junk", ["", "junk", "-5", "1e308", "99999999999999999999", "%00"])
def test_junk_in_every_link_parameter_warns_and_runs_on_defaults(junk):
    at = start({c.key: junk for c in settings.CONTROLS})
    no_exception(at)
    assert len(at.warning) == 1
    for c in settings.CONTROLS:
        assert f"{c.key} = '" in at.warning[0].value
    assert number_value(at, "n_fit") == 5
    fitted_or_refused(fit(at))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"", "empty"),
        (b"value\n", "No column"),
        (b"value\n42\n", "two distinct values"),
        (b"word\n" + b"lorem ipsum\n" * 100_000, "No column"),
        (b"v\n" + b"1\n2\n" * 600_000, "more than 1,000,000 rows"),
        (
            b"v,note\n1,a\n2," + b"a" * 140_000 + b"\n3,b\n",
            "Line 3 has a cell of more than 131,072 characters",
        ),
        ("\u00a0\n\u00a0\n".encode(), "empty"),
    ],
    ids=[
        "binary",
        "empty",
        "header-only",
        "one-value",
        "100k-rows-of-text",
        "over-row-cap",
        "long-cell",
        "nbsp-only",
    ],
)
def test_hostile_uploads_get_a_clear_error_and_the_next_good_upload_works(content, message):
    at = start({"source": "upload", "n_fit": "2"})
    at.file_uploader(key="upload").set_value(("bad.csv", content, "text/csv")).run()
    if not at.error:
        fit(at)
    no_exception(at)
    assert at.error and message in at.error[0].value, [e.value for e in at.error]
    at.file_uploader(key="upload").set_value(("good.csv", b"x\n1.0\n2.5\n7.0\n8.5\n", "text/csv")).run()
    no_exception(at)
    assert not at.error
    fitted_or_refused(fit(at))


def test_app_never_renders_user_text_as_html():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in [root / "streamlit_app.py", *sorted((root / "emgmm" / "page").glob("*.py"))]:
        source = path.read_text()
        assert "unsafe_allow_html" not in source and "st.html" not in source, path
