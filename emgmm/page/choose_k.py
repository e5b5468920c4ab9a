"""Choose K: information criteria for K = 1..10, and the bootstrap likelihood-ratio test
of K against K + 1."""

from __future__ import annotations

import numpy as np
import streamlit as st

from emgmm import selection
from emgmm.app.settings import Settings
from emgmm.degeneracy import MIN_EFFECTIVE_POINTS
from emgmm.lrt import bootstrap_lrt
from emgmm.page.progress import computed
from emgmm.page.store import Data
from emgmm.viz import analysis, trace

#: Above this many points, Choose K scores a seeded subsample of this size (said on the page).
SCORED_POINTS = 20_000
#: Simulated data sets per likelihood-ratio test, and the tolerance of their fits:
#: mclust's EM default, 1e-5, keeps B = 99 tests to seconds (at 1e-8 a K + 1 fit of
#: K-component data crawls to the iteration limit).
LRT_BOOT, LRT_TOL = 99, 1e-5


def scored_sample(data: Data, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The data and its weights, or a seeded subsample of ``SCORED_POINTS`` rows when larger."""
    if data.x.size <= SCORED_POINTS:
        return data.x, data.weights
    index = np.random.default_rng(seed).choice(data.x.size, SCORED_POINTS, replace=False)
    return data.x[index], None if data.weights is None else data.weights[index]


def choose_k(data: Data, values: Settings) -> None:
    """Information criteria for K = 1..10, and the bootstrap likelihood-ratio test."""
    with st.expander("Choose K: how many components?"):
        st.caption(
            "Fits K = 1 to 10 (3 starts each) and scores each with BIC = -2 log L + p ln n, "
            "AIC = -2 log L + 2 p and ICL = BIC - 2 sum_n log max_i r_ni (BIC plus a penalty for "
            "points the fit cannot place; mclust's definition, with the sign turned so that lower is "
            f"better, like the others). Above {SCORED_POINTS:,} points a seeded subsample is scored. "
            "A cross marks a degenerate fit: a component on fewer than "
            f"{MIN_EFFECTIVE_POINTS:g} points or at the sd floor."
            + (" With Noise component on, each K is K Gaussians and the noise." if values.noise else "")
        )
        key = ("select", data.key, values.tied, values.prior, values.noise, values.seed)
        x, weights = scored_sample(data, values.seed)
        table = computed(
            "selection",
            key,
            st.button("Compute BIC, AIC and ICL", key="select_k"),
            # K above the number of distinct values is left out by select_k
            lambda progress: selection.select_k(
                x,
                range(1, 11),
                weights=weights,
                n_init=3,
                rng=values.seed,
                tied_sd=values.tied,
                prior=values.prior or None,  # each K its own default prior; BIC from log L at the MAP fit
                noise=values.noise,  # K Gaussians and the noise; p counts the noise's weight
                callback=lambda k: progress(k / 10, f"Fitted K = {k}, fitting K = {k + 1}"),
            ),
            "Choose K needs data with at least two distinct values.",
        )
        if table is not None:
            criterion_col, include_col = st.columns(2, vertical_alignment="bottom")
            criterion = criterion_col.segmented_control(
                "Criterion", ["bic", "aic", "icl"], format_func=str.upper, default="bic", key="criterion"
            )
            include = include_col.toggle(
                "Include degenerate fits",
                key="include_degenerate",
                help="By default the best K is chosen among fits with no degenerate component: a spike on "
                "two points raises the likelihood without describing the data.",
            )
            criterion = criterion or "bic"
            best = selection.best_k(table, criterion, include_degenerate=include)
            st.altair_chart(trace.selection_chart(table, best, criterion), width="stretch")
            st.button(f"Use K = {best}", on_click=lambda: st.session_state.update(n_fit=best), key="use_k")
        likelihood_ratio_tests(data, values)


def likelihood_ratio_tests(data: Data, values: Settings) -> None:
    """The sequential bootstrap test of K against K + 1, with its LRT* histograms."""
    st.markdown(
        f"**Bootstrap likelihood-ratio test** (mclust's `mclustBootstrapLRT`): for K = 1, 2, ..., "
        f"LRT = 2 (log L of K + 1 - log L of K), compared with its values on {LRT_BOOT} data sets drawn "
        "from the K-component fit: p = (1 + #{LRT* >= LRT}) / (B + 1). It stops at the first K not "
        "rejected at 5 %." + (" It tests Gaussians without a noise component." if values.noise else "")
    )
    key = ("lrt", data.key, values.tied, values.seed)
    x, weights = scored_sample(data, values.seed)
    tests = computed(
        "lrt",
        key,
        st.button(f"Run the test (B = {LRT_BOOT})", key="run_lrt"),
        lambda progress: bootstrap_lrt(
            x,
            weights=weights,
            max_k=min(values.n_fit + 2, 10),
            n_boot=LRT_BOOT,
            rng=values.seed,
            tol=LRT_TOL,
            tied_sd=values.tied,
            callback=lambda k, done, total: progress(
                done / total, f"Testing K = {k} against K = {k + 1}: {done} of {total} data sets"
            ),
        ),
        "The test needs data with a few distinct values.",
    )
    if tests is None:
        return
    st.dataframe(
        tests.table[["k", "k_alt", "lrt", "p_value", "b"]].rename(
            columns={"k": "K", "k_alt": "against K", "lrt": "LRT", "p_value": "p", "b": "B"}
        ),
        hide_index=True,
        column_config={
            "LRT": st.column_config.NumberColumn(format="%.3g"),
            "p": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    st.caption(f"Selected: K = {tests.selected_k}.")
    for column, row in zip(st.columns(len(tests.table)), tests.table.itertuples(), strict=True):
        column.altair_chart(
            analysis.lrt_histogram(tests.replicates, row.lrt, int(row.k), int(row.k_alt), row.p_value),
            width="stretch",
        )
