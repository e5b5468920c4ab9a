"""With the same start and number of iterations, EM agrees with scikit-learn's."""

import warnings

import numpy as np
import pytest

from emgmm import GMM, fit_em, model_at, random_model, sample

mixture = pytest.importorskip("sklearn.mixture", reason="scikit-learn is in requirements-dev.txt")


@pytest.mark.slow
@pytest.mark.parametrize("seed, k", [(0, 2), (1, 3), (2, 5), (3, 4)])
def test_matches_sklearn_gaussian_mixture(seed, k):
    x, _ = sample(random_model(k, spread=2.0, rng=seed), 3000, rng=seed + 100)
    rng = np.random.default_rng(seed)
    start = GMM(np.full(k, 1 / k), np.sort(rng.choice(x, k, replace=False)), np.full(k, np.std(x) / k))
    n_iter = 30
    h = fit_em(x, k, init_params=start, max_iter=n_iter, tol=0)
    # with tol 0, a fit at its fixed point may stop early on a round-off loss: compare
    # scikit-learn after the same number of steps
    n_iter = h.attrs["n_iter"]
    assert n_iter >= 10
    ours = model_at(h, n_iter)
    gm = mixture.GaussianMixture(
        k,
        covariance_type="full",
        max_iter=n_iter,
        tol=0,
        reg_covar=0,
        weights_init=start.weights,
        means_init=start.means[:, None],
        precisions_init=(1 / start.sds**2)[:, None, None],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: tol 0 never converges
        gm.fit(x[:, None])
    np.testing.assert_allclose(ours.weights, gm.weights_, rtol=1e-8)
    np.testing.assert_allclose(ours.means, gm.means_.ravel(), rtol=1e-8)
    np.testing.assert_allclose(ours.sds, np.sqrt(gm.covariances_.ravel()), rtol=1e-8)
