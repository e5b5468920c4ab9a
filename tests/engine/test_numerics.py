"""Exactness: the chunked float64 EM against an independent EM in extended precision."""

import numpy as np
import pytest

from emgmm import GMM, fit_em, model_at, random_model, sample

LD = np.longdouble


def reference_em(x, start: GMM, n_iter: int):
    """Textbook EM in numpy.longdouble, one (n, k) matrix at a time, no tricks."""
    x = x.astype(LD)
    w, mu, sd = (np.asarray(a, dtype=LD) for a in (start.weights, start.means, start.sds))
    for _ in range(n_iter):
        z = (x[None, :] - mu[:, None]) / sd[:, None]
        log_p = np.log(w)[:, None] - np.log(sd)[:, None] - LD(0.5) * np.log(LD(2) * LD(np.pi)) - z * z / 2
        top = log_p.max(axis=0)
        r = np.exp(log_p - top)
        r /= r.sum(axis=0)
        nk = r.sum(axis=1)
        w = nk / x.size
        mu = (r * x[None, :]).sum(axis=1) / nk
        sd = np.sqrt((r * (x[None, :] - mu[:, None]) ** 2).sum(axis=1) / nk)
    return w, mu, sd


@pytest.mark.skipif(bool(np.finfo(LD).eps >= np.finfo(np.float64).eps), reason="longdouble is float64 here")
@pytest.mark.parametrize("offset", [0.0, 1e4, 1e8])
def test_matches_extended_precision_reference_far_from_zero(offset):
    true = random_model(3, spread=1.0, rng=4)
    x, _ = sample(true, 3000, rng=5)
    x = x + offset
    start = GMM([0.3, 0.3, 0.4], np.sort(true.means) + offset + 0.2, [0.8, 0.8, 0.8])
    n_iter = 25
    h = fit_em(x, 3, init_params=start, max_iter=n_iter, tol=0)
    assert h.attrs["n_iter"] == n_iter
    got = model_at(h, n_iter)
    w, mu, sd = (a.astype(np.float64) for a in reference_em(x, start, n_iter))
    np.testing.assert_allclose(got.weights, w, rtol=1e-9)
    np.testing.assert_allclose(got.sds, sd, rtol=1e-9)
    # means in units of the sd, plus float64's own resolution at this magnitude
    resolution = 4 * np.spacing(max(offset, 1.0))
    assert np.all(np.abs(got.means - mu) <= 1e-9 * sd + resolution)


def test_far_start_recentres_without_losing_variance_digits():
    """A start 1e6 sds from the data: the first step's variance must not cancel away."""
    rng = np.random.default_rng(0)
    x = 1e9 + rng.normal(0.0, 1.0, 2000)
    start = GMM([1.0], [0.5], [1.0])  # the original demo's start, far from the data
    h = fit_em(x, 1, init_params=start, max_iter=1, tol=0)
    one = model_at(h, 1)
    assert one.means[0] == pytest.approx(np.mean(x), rel=1e-15)
    assert one.sds[0] == pytest.approx(np.std(x), rel=1e-9)


@pytest.mark.parametrize("offset, spread", [(0.0, 1.0), (1e9, 1.0), (0.0, 1e-6), (5.0, 1e-6)])
def test_far_from_zero_and_tiny_spreads_fit_as_well_as_unit_data(offset, spread):
    """The same data in other units and places gives the same fit, in those units."""
    base, _ = sample(GMM([0.5, 0.5], [-2.0, 2.0], [0.5, 0.7]), 2000, rng=1)
    ref = model_at(h := fit_em(base, 2, rng=3), h.attrs["n_iter"])
    x = offset + spread * base
    got_h = fit_em(x, 2, rng=3)
    got = model_at(got_h, got_h.attrs["n_iter"])
    res = 8 * np.spacing(max(abs(offset), 1e-300)) / spread
    np.testing.assert_allclose(got.weights, ref.weights, rtol=1e-6, atol=res)
    np.testing.assert_allclose((got.means - offset) / spread, ref.means, rtol=1e-6, atol=1e-6 + res)
    np.testing.assert_allclose(got.sds / spread, ref.sds, rtol=1e-6, atol=res)
