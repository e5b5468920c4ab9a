"""Altair chart builders: pure functions from the tables of ``plotdata`` to charts.

Every chart has fixed axes given by its caller (``domain`` for x, ``y_max`` for the
density), so frames of a playback line up exactly.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

#: Paul Tol's "muted" scheme (colour-blind safe) plus a dark grey: one colour a component.
PALETTE = (
    "#332288", "#CC6677", "#117733", "#88CCEE", "#AA4499",
    "#44AA99", "#999933", "#882255", "#DDCC77", "#555555",
)
MIXTURE_COLOUR = "#222222"
#: True and fitted models differ by line style as well as colour (Okabe-Ito blue, vermillion).
TRUE_COLOUR, FIT_COLOUR = "#0072B2", "#D55E00"
DASH = [6, 4]
TOP_HEIGHT, BOTTOM_HEIGHT = 240, 150


def component_label(i: int) -> str:
    """Legend label of the 1-based component ``i``."""
    return f"C{i}"


def _colour_scale(n_components: int) -> alt.Scale:
    labels = [component_label(i) for i in range(1, n_components + 1)]
    colours = [PALETTE[(i - 1) % len(PALETTE)] for i in range(1, n_components + 1)]
    return alt.Scale(domain=["mixture", *labels], range=[MIXTURE_COLOUR, *colours])


def _x(domain, title="x"):
    return alt.X("x:Q", title=title, scale=alt.Scale(domain=list(domain), nice=False, zero=False))


def histogram_layer(hist: pd.DataFrame, domain, y_max: float) -> alt.Chart:
    """Outlined bars of a density-normalised histogram on a fixed axis."""
    return (
        alt.Chart(hist)
        .mark_bar(fill="#e9e9ee", stroke="#8a8a99", strokeWidth=0.7, clip=True)
        .encode(
            x=alt.X("start:Q", title=None, scale=alt.Scale(domain=list(domain), nice=False, zero=False)),
            x2="end:Q",
            y=alt.Y("density:Q", title="p(x)", scale=alt.Scale(domain=[0, y_max])),
            tooltip=[alt.Tooltip("start:Q", format=".3g"), alt.Tooltip("end:Q", format=".3g"), alt.Tooltip("density:Q", format=".3g")],
        )
    )


def strip_chart(strip: pd.DataFrame, domain, n_components: int | None = None, title: str = "") -> alt.Chart:
    """Points at their value with a vertical jitter; coloured by ``component`` if given."""
    base = alt.Chart(strip, title=title).mark_circle(size=14, opacity=0.75, clip=True)
    colour = (
        alt.Color("label:N", scale=_colour_scale(n_components), legend=None)
        if n_components
        else alt.value("#4a4a68")
    )
    chart = base.encode(
        x=_x(domain),
        y=alt.Y("jitter:Q", axis=None, scale=alt.Scale(domain=[-0.05, 1.05])),
        color=colour,
    )
    if n_components:
        chart = chart.transform_calculate(label="'C' + datum.component")
    return chart.properties(height=BOTTOM_HEIGHT, width="container")


def data_chart(hist: pd.DataFrame, strip: pd.DataFrame, domain, y_max: float, title: str = "The data") -> alt.VConcatChart:
    """Screen 1: the histogram above the jittered strip of points."""
    top = histogram_layer(hist, domain, y_max).properties(title=title, height=TOP_HEIGHT, width="container")
    return alt.vconcat(top, strip_chart(strip, domain), spacing=8).resolve_scale(x="shared")


def frame_chart(
    hist: pd.DataFrame,
    curves: pd.DataFrame,
    strip: pd.DataFrame,
    domain,
    y_max: float,
    n_components: int,
    title: str,
) -> alt.VConcatChart:
    """Screen 2, one iteration: weighted components (solid) and mixture (dashed) over the
    histogram; below, the points coloured by their most responsible component.

    ``curves`` is ``plotdata.component_curves`` (component 0 is the mixture).
    """
    lines = (
        alt.Chart(curves)
        .transform_calculate(label="datum.component == 0 ? 'mixture' : 'C' + datum.component")
        .mark_line(clip=True, strokeWidth=2)
        .encode(
            x=_x(domain),
            y=alt.Y("density:Q", scale=alt.Scale(domain=[0, y_max])),
            color=alt.Color("label:N", scale=_colour_scale(n_components), title="component"),
            strokeDash=alt.condition("datum.component == 0", alt.value(DASH), alt.value([1, 0])),
            detail="component:N",
        )
    )
    top = alt.layer(histogram_layer(hist, domain, y_max), lines).properties(
        title=alt.TitleParams(title, fontSize=16), height=TOP_HEIGHT, width="container"
    )
    bottom = strip_chart(strip, domain, n_components, title="current classification")
    return alt.vconcat(top, bottom, spacing=8).resolve_scale(x="shared")


def _model_lines(curves: pd.DataFrame, domain, y_max: float, y_title: str) -> alt.Chart:
    """Lines for ``model`` in {"True", "Fit"}: true solid, fit dashed, in two colours."""
    return (
        alt.Chart(curves)
        .mark_line(clip=True, strokeWidth=2)
        .encode(
            x=_x(domain),
            y=alt.Y("density:Q", title=y_title, scale=alt.Scale(domain=[0, y_max])),
            color=alt.Color("model:N", scale=alt.Scale(domain=["True", "Fit"], range=[TRUE_COLOUR, FIT_COLOUR]), title=None),
            strokeDash=alt.StrokeDash("model:N", scale=alt.Scale(domain=["True", "Fit"], range=[[1, 0], DASH]), title=None),
            detail="component:N",
        )
    )


def final_chart(
    hist: pd.DataFrame,
    mixtures: pd.DataFrame,
    components: pd.DataFrame,
    domain,
    y_max: float,
    y_max_components: float,
) -> alt.VConcatChart:
    """Screen 3: true and fitted mixtures over the histogram; below, every weighted
    component of both models. Tables have ``x, density, component, model``."""
    top = alt.layer(
        histogram_layer(hist, domain, y_max), _model_lines(mixtures, domain, y_max, "p(x)")
    ).properties(title="True & EM-fit mixture densities, p(x)", height=TOP_HEIGHT, width="container")
    bottom = _model_lines(components, domain, y_max_components, "p(x|y) p(y)").properties(
        title="True & EM-fit weighted components, p(x|y) p(y)", height=TOP_HEIGHT, width="container"
    )
    return alt.vconcat(top, bottom, spacing=8).resolve_scale(x="shared")


def loglik_chart(iterations: pd.DataFrame, current: int | None = None) -> alt.LayerChart:
    """-log-likelihood against iteration (``history.iteration_table``), with a rule at
    the ``current`` iteration."""
    base = alt.Chart(iterations[["iteration", "neg_log_likelihood"]])
    line = base.mark_line(point=alt.OverlayMarkDef(size=12), color=TRUE_COLOUR).encode(
        x=alt.X("iteration:Q", title="iteration"),
        y=alt.Y("neg_log_likelihood:Q", title="-log-likelihood", scale=alt.Scale(zero=False)),
        tooltip=["iteration:Q", alt.Tooltip("neg_log_likelihood:Q", format=".6g")],
    )
    layers = [line]
    if current is not None:
        rule = alt.Chart(pd.DataFrame({"iteration": [current]})).mark_rule(color=FIT_COLOUR, strokeDash=DASH).encode(x="iteration:Q")
        layers.append(rule)
    return alt.layer(*layers).properties(title="Log-likelihood by iteration", height=200, width="container")


def selection_chart(table: pd.DataFrame, best_k: int) -> alt.LayerChart:
    """BIC and AIC against K (from ``selection.select_k``), the best K by BIC marked."""
    long = table.melt(id_vars="k", value_vars=["bic", "aic"], var_name="criterion", value_name="value")
    long["criterion"] = long["criterion"].str.upper()
    base = alt.Chart(long)
    lines = base.mark_line(point=True).encode(
        x=alt.X("k:O", title="number of components K"),
        y=alt.Y("value:Q", title="criterion (lower is better)", scale=alt.Scale(zero=False)),
        color=alt.Color("criterion:N", scale=alt.Scale(domain=["BIC", "AIC"], range=[TRUE_COLOUR, FIT_COLOUR])),
        strokeDash=alt.StrokeDash("criterion:N", scale=alt.Scale(domain=["BIC", "AIC"], range=[[1, 0], DASH])),
        tooltip=["k:O", "criterion:N", alt.Tooltip("value:Q", format=".2f")],
    )
    rule = alt.Chart(pd.DataFrame({"k": [best_k]})).mark_rule(color="#777", strokeWidth=6, opacity=0.25).encode(x="k:O")
    return alt.layer(rule, lines).properties(title=f"Information criteria by K (best by BIC: K = {best_k})", height=260, width="container")
