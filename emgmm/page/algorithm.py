"""The EM algorithm, last on the page: its formulas in the charts' notation."""

from __future__ import annotations

import streamlit as st


def explain(tol: float) -> None:
    """The algorithm in the charts' notation; symbols in the prose are typeset as in the formulas."""
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
        st.markdown(
            "Each iteration never lowers the log-likelihood $\\log L$; the fit stops when its relative gain "
            f"$(\\log L_t - \\log L_{{t-1}}) / |\\log L_t|$ falls below the tolerance, ${tol:.1e}$:"
        )
        st.latex(r"\log L = \sum_n \log \sum_i w_i\, \mathcal{N}(x_n; \mu_i, \sigma_i^2)")
