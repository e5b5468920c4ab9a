"""Goodness of fit, under the final view: the data's CDF against the fitted one, and a
quantile-quantile plot."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emgmm import goodness
from emgmm.app.text import without_noise
from emgmm.model import GMM
from emgmm.page.fit import fit_cached
from emgmm.page.store import Data
from emgmm.viz import explore, screens
from emgmm.viz.shown import final_shown


def goodness_of_fit(data: Data, history: pd.DataFrame, view: screens.DataView) -> None:
    """The data's empirical CDF against the fitted one, and a quantile-quantile plot."""
    with st.expander("Goodness of fit: the data against the fitted distribution"):
        shown = final_shown(history)
        # the CDFs are the Gaussians': with a noise component, said so
        fitted = shown if isinstance(shown, GMM) else shown.gaussians
        if fitted is not shown:
            st.caption(without_noise("The goodness of fit"))
        ecdf, qq, ks = fit_cached(
            "goodness",
            lambda: (
                goodness.ecdf_table(data.x, fitted, weights=data.weights),
                goodness.qq_table(data.x, fitted, weights=data.weights),
                goodness.ks_distance(data.x, fitted, weights=data.weights),
            ),
        )
        st.caption(
            f"Kolmogorov-Smirnov distance D = sup_x |F_n(x) - F(x)| = {ks:.3g}: the largest gap between "
            "the share of the data at or below x and the fitted mixture's probability of it. Its usual "
            "p-value assumes a distribution fixed in advance, not fitted to the same data, so none is shown."
        )
        left, right = st.columns(2)
        left.altair_chart(explore.ecdf_chart(ecdf, ks, view.x_title), width="stretch")
        right.altair_chart(explore.qq_chart(qq, view.x_title), width="stretch")
