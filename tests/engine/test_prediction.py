"""Prediction with uncertainty (``predict``, ``compare_assignments``, ``classify --uncertainty``)
and where mclust's and scikit-learn's default tolerances stop (``tolerance_comparison``)."""

import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp

from emgmm import GMM, NoisyMixture, classify, compare_assignments, fit_em, predict, responsibilities
from emgmm.cli import main
from emgmm.history import history_table
from emgmm.teaching import point_table
from emgmm.tolerance import tolerance_comparison

MODEL = GMM([0.3, 0.7], [0.0, 5.0], [1.0, 2.0])


def test_predict_gives_component_every_r_and_the_uncertainty():
    x = np.array([-3.0, 0.0, 2.5, 5.0, 1e6])
    table = predict(x, MODEL)
    assert list(table.columns) == ["value", "component", "r1", "r2", "uncertainty"]
    np.testing.assert_array_equal(table["component"], classify(x, MODEL) + 1)
    np.testing.assert_allclose(table[["r1", "r2"]], responsibilities(x, MODEL), rtol=1e-15)
    # 1 - max r by hand: the weighted densities, normalised
    dens = np.array(
        [
            w * np.exp(-0.5 * ((x[:4] - m) / s) ** 2) / s
            for w, m, s in zip(MODEL.weights, MODEL.means, MODEL.sds, strict=True)
        ]
    )
    np.testing.assert_allclose(
        table["uncertainty"][:4], 1 - dens.max(axis=0) / dens.sum(axis=0), rtol=1e-12, atol=1e-15
    )
    pd.testing.assert_frame_equal(table.drop(columns="uncertainty"), point_table(x, MODEL))


def test_predict_with_noise_labels_it():
    model = NoisyMixture(0.05, -4.0, 12.0, MODEL)
    table = predict([0.0, 5.0, 100.0], model)
    assert list(table.columns) == ["value", "component", "label", "r0", "r1", "r2", "uncertainty"]
    assert table["label"].tolist() == ["1", "2", "noise"] and table["component"].tolist() == [1, 2, 0]
    np.testing.assert_allclose(table[["r0", "r1", "r2"]].sum(axis=1), 1.0)


def test_compare_assignments_counts_shares_and_uncertainty():
    first, second = predict([0.0, 0.1, 5.0, 6.0], MODEL), predict([0.0, 5.0, 5.5, 6.0, 7.0], MODEL)
    table = compare_assignments(first, second)
    assert table["count_first"].tolist() == [2, 2] and table["count_second"].tolist() == [1, 4]
    np.testing.assert_allclose(table["share_difference"], [1 / 5 - 1 / 2, 4 / 5 - 1 / 2])
    np.testing.assert_allclose(table["mean_uncertainty_first"][0], first["uncertainty"][:2].mean())
    with pytest.raises(ValueError, match="second: classified by another model"):
        compare_assignments(first, predict([1.0], GMM([1.0], [0.0], [1.0])))


def test_compare_assignments_with_weights_counts_a_row_as_its_weight():
    """Whole-number weights give the table of the rows repeated that many times."""
    values, weights = np.array([0.0, 0.1, 2.5, 5.0, 6.0]), np.array([3, 0, 2, 1, 4])
    new = predict([4.0, 9.0, 2.4], MODEL)
    weighted = compare_assignments(predict(values, MODEL), new, first_weights=weights)
    repeated = compare_assignments(predict(np.repeat(values, weights), MODEL), new)
    pd.testing.assert_frame_equal(weighted, repeated, check_dtype=False)
    with pytest.raises(ValueError, match="second_weights: expected 3 finite, non-negative weights"):
        compare_assignments(new, new, second_weights=[1.0, -1.0, 1.0])


def test_classify_command_adds_uncertainty_and_reads_a_noisy_model(tmp_path, capsys):
    (tmp_path / "v.txt").write_text("0\n100\n")
    noisy = NoisyMixture(0.05, -4.0, 12.0, MODEL)
    (tmp_path / "m.json").write_text(json.dumps(noisy.to_dict()))
    assert main(["classify", str(tmp_path / "m.json"), str(tmp_path / "v.txt"), "--uncertainty"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert printed.columns.tolist() == ["value", "component", "label", "r0", "r1", "r2", "uncertainty"]
    assert printed["label"].tolist() == ["1", "noise"]


# ---- tolerances --------------------------------------------------------------------------


def _history(lls, n=100):
    k = len(lls)
    table = history_table([MODEL] * k, lls)
    table.attrs.update(tol=1e-8, last_gain=1e-9, total_weight=float(n), n_points=n)
    return table


def test_tolerance_stops_from_the_definitions():
    lls = [-1000.0, -600.0, -500.0, -499.9, -499.899, -499.89899]
    c = tolerance_comparison(_history(lls))
    # mclust: |dL| / (1 + |L|) < 1e-5 from iteration 2: 100 / 501, 0.1 / 500.9, then 0.001 / 500.899
    assert c.mclust_stop == 4
    # scikit-learn: |dL| / n < 1e-3 first at i = 4 (1e-5; at i = 3 it is 1e-3, not below): stops at 5
    assert c.sklearn_stop == 5
    assert c.mclust_gain == pytest.approx(1e-5 / 500.89899, rel=1e-6)
    assert c.sklearn_gain == pytest.approx(1e-7, rel=1e-6)
    assert "mclust's default tolerance 1e-05 would stop at iteration 4" in c.sentence()
    assert "scikit-learn's 0.001 at iteration 5" in c.sentence()
    short = tolerance_comparison(_history(lls[:3]))
    assert short.mclust_stop is None and "after iteration 2 (not yet)" in short.sentence()


def reference_mclust_iterations(x, z, tol=1e-5):
    """mclust's me1v (no prior), written out: M-step, E-step, stop when |dL| / (1 + |L|) <= tol."""
    hold, its = np.finfo(float).max / 2, 0
    while True:
        its += 1
        mass = z.sum(axis=0)
        mu = (z * x[:, None]).sum(axis=0) / mass
        var = (z * (x[:, None] - mu) ** 2).sum(axis=0) / mass
        log_p = np.log(mass / x.size) - 0.5 * (np.log(2 * np.pi * var) + (x[:, None] - mu) ** 2 / var)
        hood = logsumexp(log_p, axis=1)
        z, hood = np.exp(log_p - hood[:, None]), hood.sum()
        if abs(hold - hood) / (1 + abs(hood)) <= tol:
            return its
        hold = hood


def test_tolerance_stops_are_where_mclust_and_sklearn_stop():
    """Both tools run from the fit's start: mclust (written out) from its responsibilities,
    scikit-learn itself from its parameters."""
    mixture = pytest.importorskip("sklearn.mixture")
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 1, 400), rng.normal(2.5, 0.7, 300)])
    start = GMM([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    h = fit_em(x, 2, init_params=start, tol=1e-12, max_iter=2000)
    c = tolerance_comparison(h)
    assert c.mclust_stop == reference_mclust_iterations(x, responsibilities(x, start))
    gm = mixture.GaussianMixture(
        2,
        covariance_type="full",
        tol=1e-3,
        reg_covar=0,
        weights_init=start.weights,
        means_init=start.means[:, None],
        precisions_init=(1 / start.sds**2)[:, None, None],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(x[:, None])
    assert c.sklearn_stop == gm.n_iter_
