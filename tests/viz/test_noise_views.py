"""A fit with mclust's noise component, as the charts and the player's payload draw it
(``viz.shown``): the noise flat at every x (the engine's own), numbered 0, labelled "noise",
in grey; checked against the densities written out here."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from emgmm import GMM, fit_em
from emgmm.history import model_at
from emgmm.noise import NoisyMixture
from emgmm.viz import frames, player, plotdata, screens, shown
from emgmm.viz import teaching as views
from emgmm.viz.style import NOISE_COLOUR, colour_scale, component_label, component_number_scale
from tests.support.player_page import payload_of

NOISY = NoisyMixture(0.2, -4.0, 6.0, GMM([0.25, 0.75], [-1.0, 2.0], [0.5, 1.0]))


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.concatenate([rng.normal(-2, 0.7, 150), rng.normal(2, 0.8, 150), [30.0, -25.0]])


@pytest.fixture(scope="module")
def history(data):
    return fit_em(data, 2, noise=True, init="quantile", rng=0)


def test_component_densities_are_the_flat_noise_and_the_weighted_normals_written_out():
    x = np.linspace(-8, 9, 200)
    want = np.vstack(
        [
            np.full(x.size, 0.2 / 10),  # flat at every x, as the engine scores it
            0.8 * 0.25 * norm.pdf(x, -1, 0.5),
            0.8 * 0.75 * norm.pdf(x, 2, 1.0),
        ]
    )
    np.testing.assert_allclose(shown.component_densities(NOISY, x), want, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(shown.mixture_density(NOISY, x), want.sum(axis=0), rtol=1e-12)
    r = shown.shown_responsibilities(NOISY, x)
    np.testing.assert_allclose(r, (want / want.sum(axis=0)).T, rtol=1e-9, atol=1e-12)
    assert np.array_equal(shown.shown_classes(NOISY, x), np.argmax(want, axis=0))  # numbered 0, 1, 2
    # far outside the range the noise takes the point, as predict and mclust give it
    assert r[0, 0] == pytest.approx(1.0)
    np.testing.assert_allclose(r, NOISY.responsibilities(x), rtol=1e-12, atol=1e-300)


def test_a_plain_models_numbers_are_the_engines():
    plain = NOISY.gaussians
    x = np.linspace(-3, 4, 50)
    np.testing.assert_allclose(shown.component_densities(plain, x), plain.component_pdfs(x), rtol=1e-12)
    assert shown.numbers_of(plain).tolist() == [1, 2] and shown.numbers_of(NOISY).tolist() == [0, 1, 2]


def test_a_noisy_history_is_read_as_a_noisy_mixture_never_as_normals(history):
    last = int(history["iteration"].iloc[-1])
    got = shown.shown_model(history, last)
    assert isinstance(got, NoisyMixture) and (got.low, got.high) == (-25.0, 30.0)
    assert isinstance(shown.shown_model(fit_em(np.arange(20.0), 2, rng=0), 0), GMM)
    table = plotdata.params_table(got)
    assert table["component"].tolist() == [0, 1, 2]
    assert table.loc[0, ["low", "high"]].tolist() == [-25.0, 30.0] and table["low"].isna().sum() == 2
    # the y axis' top: the mixture drawn with its noise flat, not the uniform read as a normal
    view = screens.data_view(np.linspace(-25, 30, 100), 0)
    assert screens.history_ceiling(view, history) == pytest.approx(
        plotdata.density_ceiling(view.hist, [shown.shown_model(history, 0), got], view.grid)
    )
    assert model_at(history, last).n_components == 3  # what the history's rows alone would draw


def test_the_noise_is_grey_and_labelled_noise_in_every_scale():
    assert component_label(0) == "noise" and component_label(3) == "C3"
    scale = colour_scale(2, noise=True)
    assert scale.domain == ["noise", "C1", "C2", "mixture"] and scale.range[0] == NOISE_COLOUR
    numbers = component_number_scale(2, noise=True)
    assert numbers.domain == ["0", "1", "2"] and numbers.range[0] == NOISE_COLOUR
    assert colour_scale(2).domain == ["C1", "C2", "mixture"]  # a plain fit's as before


@pytest.mark.slow
def test_the_live_frame_draws_the_noise_flat_in_its_legend_panel_and_strip(data):
    view = screens.data_view(data, 0)
    top, panel, strip = frames.live_frame(view, NOISY, "Iteration 0", 1.0, "component")
    params = top["datasets"]["params"]
    assert params[0] == {"component": 0, "weight": 0.2, "mean": 1.0, "sd": pytest.approx(10 / 12**0.5),
                         "low": -4.0, "high": 6.0}  # fmt: skip
    assert all("low" not in row for row in params[1:])
    assert "noise" in str(top) and NOISE_COLOUR in str(top)
    panel_components = {row["component"] for row in next(iter(panel["datasets"].values()))}
    assert panel_components == {0, 1, 2}
    strip_classes = set(next(iter(strip["datasets"].values()))[0]["component"].split())
    assert "0" in strip_classes  # the two far points are the noise's
    _, _, uncertain = frames.live_frame(view, NOISY, "Iteration 0", 1.0, "uncertainty")
    assert uncertain["encoding"]["color"]["scale"]["domain"] == [0, pytest.approx(2 / 3)]


def test_the_final_charts_draw_the_noise_as_a_row_with_its_range(data):
    view = screens.data_view(data, 0)
    mixture, components = screens.final_screen(view, NOISY, NOISY.gaussians)
    spec = components.to_dict()  # validates
    rows = (
        spec["data"]["values"] if "values" in spec.get("data", {}) else next(iter(spec["datasets"].values()))
    )
    fit_rows = [r for r in rows if r["model"] == "Fit"]
    assert [("low" in r) for r in fit_rows] == [True, False, False]
    assert all("low" not in r for r in rows if r["model"] == "True")
    assert "components p(x|y) p(y), the noise flat" in str(spec["title"])
    mixture.to_dict()


@pytest.mark.slow
def test_the_payload_of_a_noisy_fit_says_its_range_numbers_and_colours(data, history):
    view = screens.data_view(data, 0)
    out = payload_of(history, view)
    assert out["noise"] == {"low": -25.0, "high": 30.0}
    assert out["numbers"] == [0, 1, 2] and out["k"] == 3 and out["colours"][0] == NOISE_COLOUR
    assert len(out["models"]["weights"][0]) == 3
    top = out["templates"]["top"]
    assert "noise" in str(top) and NOISE_COLOUR in str(out["templates"]["strip"])
    plain = player.payload(
        fit_em(data, 2, rng=0), view, 1.0, title="t", settings={}, bounds={}, colour_labels={}
    )
    assert (
        plain["noise"] is None
        and plain["numbers"] == [1, 2]
        and "noise" not in str(plain["templates"]["strip"])
    )


def test_responsibility_records_carry_the_noise_as_component_zero(data):
    curves = shown.shown_responsibility_curves(NOISY, -30.0, 30.0, n_grid=50)
    records = views.responsibility_records(curves)
    assert [r["component"] for r in records] == [0, 1, 2]
    assert views.model_responsibility_records(NOISY, (-30.0, 30.0), 50) == records
