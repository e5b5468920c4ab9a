"""Charts of a fit's course and of model choice: -log-likelihood by iteration, BIC and
AIC by K. Pure functions from the engine's tables to Altair charts."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .style import DASH, FINAL_HEIGHT, FIT_COLOUR, SOLID, TRUE_COLOUR, Layered, axis


def loglik_chart(iterations: pd.DataFrame, current: int | None = None) -> Layered:
    """-log-likelihood against iteration (``history.iteration_table``), with a rule at
    the ``current`` iteration."""
    line = (
        alt.Chart(iterations[["iteration", "neg_log_likelihood"]])
        .mark_line(color=TRUE_COLOUR, point=alt.OverlayMarkDef(size=10, color=TRUE_COLOUR))
        .encode(
            # iterations are whole numbers: no tick at 2.5
            x=alt.X("iteration:Q", title="iteration", axis=axis(format="d", tickMinStep=1)),
            y=alt.Y(
                "neg_log_likelihood:Q", title="-log-likelihood", scale=alt.Scale(zero=False), axis=axis()
            ),
            tooltip=["iteration:Q", alt.Tooltip("neg_log_likelihood:Q", format=",.4f")],
        )
    )
    layers = [line]
    if current is not None:
        rule = (
            alt.Chart(pd.DataFrame({"iteration": [current]}))
            .mark_rule(color=FIT_COLOUR, strokeDash=DASH)
            .encode(x="iteration:Q")
        )
        layers.append(rule)
    return alt.layer(*layers).properties(
        title="-Log-likelihood by iteration", height=FINAL_HEIGHT, width="container"
    )


def selection_chart(table: pd.DataFrame, best_k: int) -> Layered:
    """BIC and AIC against K (``selection.select_k``), the best K by BIC marked."""
    long = table.melt(id_vars="k", value_vars=["bic", "aic"], var_name="criterion", value_name="value")
    long["criterion"] = long["criterion"].str.upper()
    names = ["BIC", "AIC"]
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("k:O", title="number of components K", axis=axis(labelAngle=0)),
            y=alt.Y("value:Q", title="criterion (lower is better)", scale=alt.Scale(zero=False), axis=axis()),
            color=alt.Color(
                "criterion:N", scale=alt.Scale(domain=names, range=[TRUE_COLOUR, FIT_COLOUR]), title=None
            ),
            strokeDash=alt.StrokeDash(
                "criterion:N", scale=alt.Scale(domain=names, range=[SOLID, DASH]), title=None
            ),
            tooltip=["k:O", "criterion:N", alt.Tooltip("value:Q", format=",.2f")],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"k": [best_k]}))
        .mark_rule(color="#888", strokeWidth=10, opacity=0.25)
        .encode(x="k:O")
    )
    return alt.layer(rule, lines).properties(
        title=f"BIC and AIC by K (best by BIC: K = {best_k})", height=260, width="container"
    )
