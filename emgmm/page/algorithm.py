"""The EM algorithm, last on the page: its formulas in the charts' notation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emgmm.history import final_model
from emgmm.why import parameter_text


def explain(tol: float, history: pd.DataFrame | None = None) -> None:
    """The algorithm in the charts' notation; symbols in the prose are typeset as in the formulas.
    With the fit on screen (``history``, its final view shown), the M-step's formulas with its
    last iteration's numbers in (every frame's are in the player, under the strip)."""
    with st.expander("The EM algorithm, in the notation of the charts"):
        st.markdown("The mixture density is a weighted sum of $K$ Gaussians:")
        st.latex(
            r"p(x) = \sum_{i=1}^{K} p(y=i)\, p(x \mid y=i) = \sum_{i=1}^{K} w_i\, \mathcal{N}(x;\, \mu_i, \sigma_i^2)"
        )
        st.markdown(
            "**E-step**: the responsibility of component $i$ for point $x_n$ (its colour in the strip "
            "is the component with the largest one):"
        )
        st.latex(
            r"r_{ni} = p(y=i \mid x_n) = "
            r"\frac{w_i\, \mathcal{N}(x_n; \mu_i, \sigma_i^2)}{\sum_j w_j\, \mathcal{N}(x_n; \mu_j, \sigma_j^2)}"
        )
        st.markdown("**M-step**: weighted counts, means and standard deviations:")
        st.latex(
            r"N_i = \sum_n r_{ni},\quad w_i = \frac{N_i}{N},\quad \mu_i = \frac{1}{N_i}\sum_n r_{ni} x_n,\quad "
            r"\sigma_i^2 = \frac{1}{N_i}\sum_n r_{ni} (x_n - \mu_i)^2"
        )
        # a noise component's row is a uniform's, not these formulas' (emgmm.noise)
        if history is not None and history.attrs.get("noise_range") is None:
            lines = parameter_text(
                final_model(history),
                float(history.attrs["total_weight"]),
                float(history["log_likelihood"].iat[-1]),
            )
            st.markdown(
                "With the numbers of the fit on screen, at its last iteration (every frame's are in the "
                "playback, under the points: *The M-step that follows this frame*):\n\n"
                + "\n".join(f"- `{line}`" for line in lines)
            )
        st.markdown(
            "Each iteration never lowers the log-likelihood $\\log L$; the fit stops when its relative gain "
            f"$(\\log L_t - \\log L_{{t-1}}) / |\\log L_t|$ falls below the tolerance, ${tol:.1e}$:"
        )
        st.latex(r"\log L = \sum_n \log \sum_i w_i\, \mathcal{N}(x_n; \mu_i, \sigma_i^2)")
