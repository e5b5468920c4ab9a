"""Property tests: the EM invariants hold for every model, size, seed and option."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emgmm import fit_em, random_model, sample
from tests.support.invariants import check_history

SETTINGS = settings(max_examples=60)


@pytest.mark.slow
@SETTINGS
@given(
    n_real=st.integers(1, 6),
    n_fit=st.integers(1, 6),
    spread=st.floats(0.05, 20.0),
    n_points=st.integers(20, 3000),
    seed=st.integers(0, 2**32 - 1),
    init=st.sampled_from(["kmeans++", "quantile", "random"]),
    tied=st.booleans(),
)
def test_loglik_never_decreases(n_real, n_fit, spread, n_points, seed, init, tied):
    x, _ = sample(random_model(n_real, spread, rng=seed), n_points, rng=seed + 1)
    h = fit_em(x, n_fit, max_iter=150, init=init, tied_sd=tied, rng=seed)
    check_history(h, x)
