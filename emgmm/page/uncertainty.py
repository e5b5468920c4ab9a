"""Uncertainty, under the final view: bootstrap standard errors and intervals of the
fitted parameters, the band of refitted densities and each parameter's histogram."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emgmm.app.settings import Settings
from emgmm.app.text import without_noise
from emgmm.bootstrap import KINDS, bootstrap
from emgmm.noise import final_noisy_model, has_noise
from emgmm.page.progress import computed
from emgmm.page.store import Data
from emgmm.viz import analysis, screens
from emgmm.viz.style import component_label


def uncertainty(data: Data, history: pd.DataFrame, view: screens.DataView, values: Settings) -> None:
    """Bootstrap standard errors and percentile intervals of the fitted parameters."""
    with st.expander("Uncertainty: how much would the fit change with other data?"):
        st.caption(
            "The bootstrap refits B data sets like yours, from this fit's parameters: drawn from your data "
            "with replacement (nonparametric) or from the fitted mixture (parametric). The spread of the "
            "refits estimates each parameter's standard error; the middle 95 % of them is the interval."
        )
        noisy = has_noise(history)
        if noisy:
            st.caption(without_noise("The bootstrap") + " Each replicate refits Gaussians from them.")
        n_boot_col, kind_col, run_col = st.columns([1, 1, 1], vertical_alignment="bottom")
        n_boot = n_boot_col.number_input("Replicates, B", 20, 999, 199, step=20, key="n_boot")
        kind = kind_col.selectbox("Resample", KINDS, key="boot_kind")
        key = (st.session_state.play_key, n_boot, kind)
        result = computed(
            "boot",
            key,
            run_col.button("Run the bootstrap", key="run_bootstrap", width="stretch"),
            lambda progress: bootstrap(
                data.x,
                # the fit's Gaussians, refitted with its options (a history's last row would read the noise as a normal)
                final_noisy_model(history).gaussians if noisy else history,
                int(n_boot),
                kind=kind,
                max_iter=values.max_iter if noisy else None,
                tol=values.tol if noisy else None,
                tied_sd=values.tied if noisy else None,
                rng=values.seed,
                weights=data.weights,
                callback=lambda done, total: progress(
                    done / total, f"Refitted {done:,} of {total:,} data sets"
                ),
            ),
            "Try the other kind of resampling.",
        )
        if result is None:
            return
        if result.n_failed:
            st.info(
                f"{result.n_failed} of {result.n_boot} resampled data sets could not be fitted "
                "(too few distinct values); they are left out."
            )
        table = result.summary.assign(component=lambda t: t["component"].map(component_label))
        st.dataframe(
            table.rename(
                columns={"se": "standard error", "lower": "2.5 %", "upper": "97.5 %", "n": "replicates"}
            ),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.NumberColumn(format="%.4g")
                for c in ("estimate", "standard error", "2.5 %", "97.5 %")
            },
        )
        st.altair_chart(
            analysis.density_band(
                view.domain,
                result.estimate,
                result.replicates,
                result.level,
                hist=view.hist,
                x_title=view.x_title,
            ),
            width="stretch",
        )
        # a facet cannot stretch: three panels of 220 px fit the main column at 1280 px
        st.altair_chart(
            analysis.bootstrap_histograms(result.replicates, result.summary, result.level, width=220)
        )
