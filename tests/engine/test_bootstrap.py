import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, final_model, fit_em, random_model, sample
from emgmm.bootstrap import bootstrap
from emgmm.datasets import load_example
from emgmm.matching import match_components
from emgmm.replicates import FAILED, REPLICATE_COLUMNS, SUMMARY_COLUMNS, bootstrap_summary, match_order


@pytest.fixture(scope="module")
def faithful():
    x = load_example("old_faithful")
    return x, fit_em(x, 2, n_init=3, rng=0)


def refit_matched(data, estimate, weights=None):
    """What a replicate should hold: fit_em from the estimate, components ordered by
    matching.match_components (an independent path to the same pairing)."""
    h = fit_em(data, estimate.n_components, init_params=estimate, weights=weights)
    fitted = final_model(h)
    table = match_components(estimate, fitted).sort_values("true_component")
    order = table["fit_component"].to_numpy() - 1
    return fitted, order, h


@pytest.mark.slow
def test_replicate_table_has_one_row_per_replicate_and_component(faithful):
    x, h = faithful
    result = bootstrap(x, h, 30, rng=1)
    t = result.replicates
    assert tuple(t.columns) == REPLICATE_COLUMNS and len(t) == 60
    np.testing.assert_array_equal(t["replicate"], np.repeat(np.arange(1, 31), 2))  # numbered from 1
    np.testing.assert_array_equal(t["component"], np.tile([1, 2], 30))
    assert t.groupby("replicate")["log_likelihood"].nunique().eq(1).all()
    assert result.n_boot == 30 and result.n_failed == 0 and result.estimate == final_model(h)
    assert (t["converged"] == (t["stop_reason"] == "converged")).all()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_replicate_is_the_matched_refit_of_its_own_draw(faithful, kind):
    x, h = faithful
    estimate = final_model(h)
    result = bootstrap(x, h, 5, kind=kind, rng=7)
    for i, child in enumerate(np.random.default_rng(7).spawn(5)):  # replicate i's generator
        data = (
            x[child.integers(0, x.size, size=x.size)]
            if kind == "nonparametric"
            else sample(estimate, x.size, child)[0]
        )
        fitted, order, fit = refit_matched(data, estimate)
        rows = result.replicates[result.replicates["replicate"] == i + 1]
        np.testing.assert_array_equal(rows["mean"], fitted.means[order])
        np.testing.assert_array_equal(rows["sd"], fitted.sds[order])
        np.testing.assert_array_equal(rows["weight"], fitted.weights[order])
        assert rows["log_likelihood"].iloc[0] == fit["log_likelihood"].iloc[-1]


@pytest.mark.slow
def test_replicate_i_does_not_depend_on_how_many_there_are(faithful):
    x, h = faithful
    short, long = bootstrap(x, h, 10, rng=3), bootstrap(x, h, 25, rng=3)
    pd.testing.assert_frame_equal(short.replicates, long.replicates.iloc[:20], check_exact=True)
    generator = np.random.default_rng(3)
    first, second = bootstrap(x, h, 10, rng=generator), bootstrap(x, h, 10, rng=generator)
    pd.testing.assert_frame_equal(first.replicates, short.replicates, check_exact=True)
    assert not first.replicates["mean"].equals(second.replicates["mean"])  # a generator is advanced


def test_match_order_pairs_components_as_match_components_does():
    for seed in range(20):
        rng = np.random.default_rng(seed)
        reference = random_model(4, rng=rng)
        fitted = GMM(reference.weights, reference.means + rng.normal(0, 0.5, 4), reference.sds)
        shuffled = rng.permutation(4)
        fitted = GMM(fitted.weights[shuffled], fitted.means[shuffled], fitted.sds[shuffled])
        table = match_components(reference, fitted).sort_values("true_component")
        np.testing.assert_array_equal(match_order(reference, fitted), table["fit_component"] - 1)


@pytest.mark.slow
def test_label_switching_is_undone(faithful):
    x, h = faithful
    estimate = final_model(h)
    swapped = GMM(
        estimate.weights[::-1], estimate.means[::-1], estimate.sds[::-1]
    )  # component 1 is the upper
    result = bootstrap(x, swapped, 40, rng=2)
    means = result.replicates.pivot(index="replicate", columns="component", values="mean")
    assert (means[1] > means[2]).all()
    np.testing.assert_allclose(result.summary.query("parameter == 'mean'")["estimate"], swapped.means)


@pytest.mark.slow
def test_summary_follows_its_definitions(faithful):
    x, h = faithful
    result = bootstrap(x, h, 60, rng=4, level=0.9)
    summary = result.summary
    assert tuple(summary.columns) == SUMMARY_COLUMNS and len(summary) == 6
    estimate = final_model(h)
    for row in summary.itertuples():
        values = result.replicates.loc[result.replicates["component"] == row.component, row.parameter]
        assert row.se == np.std(values.to_numpy(), ddof=1)
        assert (row.lower, row.upper) == tuple(np.quantile(values.to_numpy(), [0.05, 0.95]))
        assert row.estimate == getattr(estimate, row.parameter + "s")[row.component - 1]
        assert row.n == 60
    pd.testing.assert_frame_equal(bootstrap_summary(result.replicates, estimate, 0.9), summary)


@pytest.mark.slow  # 2 x 400 replicates
@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_one_component_standard_errors_match_the_formulas(kind):
    # for one normal, se(mean) = s / sqrt(n) and se(sd) = s / sqrt(2 n) to first order;
    # a bootstrap se from B replicates is off by about 1 / sqrt(2 (B - 1)) relatively
    x, _ = sample(GMM([1.0], [5.0], [2.0]), 400, rng=5)
    b = 400
    result = bootstrap(x, fit_em(x, 1), b, kind=kind, rng=6)
    s = float(np.std(x))
    tolerance = 4 / np.sqrt(2 * (b - 1))  # four standard errors of the se
    se = result.summary.set_index("parameter")["se"]
    assert se["mean"] == pytest.approx(s / np.sqrt(x.size), rel=tolerance)
    assert se["sd"] == pytest.approx(s / np.sqrt(2 * x.size), rel=tolerance)
    assert se["weight"] == 0.0


def test_failed_replicates_are_recorded_and_counted_not_dropped():
    x = np.array([0.0] * 9 + [1.0])  # a resample lacks the 1 with probability 0.9**10 = 0.35
    h = fit_em(x, 2, rng=0)
    result = bootstrap(x, h, 40, rng=8)
    children = np.random.default_rng(8).spawn(40)
    single = [np.unique(x[c.integers(0, x.size, size=x.size)]).size < 2 for c in children]
    failed = result.replicates.groupby("replicate")["stop_reason"].first() == FAILED
    np.testing.assert_array_equal(failed.to_numpy(), single)
    assert result.n_failed == sum(single) > 0 and result.n_boot == 40
    rows = result.replicates[result.replicates["stop_reason"] == FAILED]
    assert rows[["weight", "mean", "sd", "log_likelihood"]].isna().all().all() and not rows["converged"].any()
    assert (result.summary["n"] == 40 - sum(single)).all()
    assert np.isfinite(result.summary["se"]).all()


def test_a_fault_in_a_fittable_replicate_is_raised_not_recorded(faithful, monkeypatch):
    x, h = faithful

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a fault inside EM")

    monkeypatch.setattr("emgmm.bootstrap.fit_em", broken)
    with pytest.raises(ValueError, match="a fault inside EM"):
        bootstrap(x, h, 3, rng=0)


def test_callback_reports_every_replicate_and_can_abort(faithful):
    x, h = faithful
    calls: list[tuple[int, int]] = []
    bootstrap(x, h, 6, rng=0, callback=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 6) for i in range(1, 7)]

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bootstrap(x, h, 6, rng=0, callback=stop)


@pytest.mark.slow
def test_a_history_and_its_model_give_the_same_bootstrap(faithful):
    x, h = faithful
    from_history = bootstrap(x, h, 8, rng=9)
    from_model = bootstrap(x, final_model(h), 8, rng=9)  # fit_em's defaults: the history's options
    pd.testing.assert_frame_equal(from_history.replicates, from_model.replicates, check_exact=True)
    capped = bootstrap(x, h, 8, rng=9, max_iter=1)
    assert (capped.replicates["stop_reason"] == "max_iter").all()


def test_weighted_replicate_resamples_the_repeated_data():
    x, _ = sample(GMM([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]), 60, rng=10)
    w = np.random.default_rng(11).integers(0, 4, size=x.size).astype(float)
    h = fit_em(x, 2, weights=w, rng=0)
    estimate = final_model(h)
    result = bootstrap(x, h, 3, weights=w, rng=12)
    parametric = bootstrap(x, h, 3, weights=w, rng=12, kind="parametric")
    total = int(w.sum())
    for i, child in enumerate(np.random.default_rng(12).spawn(3)):
        draws = child.multinomial(total, w / w.sum()).astype(float)  # each point's count among `total` draws
        fitted, order, _ = refit_matched(x, estimate, weights=draws)
        np.testing.assert_array_equal(
            result.replicates.loc[result.replicates["replicate"] == i + 1, "mean"], fitted.means[order]
        )
    for i, child in enumerate(np.random.default_rng(12).spawn(3)):
        fitted, order, _ = refit_matched(sample(estimate, total, child)[0], estimate)  # sum(w) points
        rows = parametric.replicates[parametric.replicates["replicate"] == i + 1]
        np.testing.assert_array_equal(rows["mean"], fitted.means[order])


def test_bad_arguments_name_themselves(faithful):
    x, h = faithful
    with pytest.raises(ValueError, match="kind: expected one of"):
        bootstrap(x, h, 5, kind="jackknife")
    with pytest.raises(ValueError, match="level: must be less than 1"):
        bootstrap(x, h, 5, level=1.0)
    with pytest.raises(ValueError, match="n_boot: must be at least 1"):
        bootstrap(x, h, 0)
    with pytest.raises(ValueError, match="fit: was made on 272 points"):
        bootstrap(x[:100], h, 5)
    with pytest.raises(ValueError, match="fit: was made with a total weight"):
        bootstrap(x, h, 5, weights=np.full(x.size, 2.0))
    with pytest.raises(TypeError, match="fit: expected the history"):
        bootstrap(x, "h", 5)
    with pytest.raises(TypeError, match="callback: expected a callable"):
        bootstrap(x, h, 5, callback=3)  # type: ignore[arg-type]
