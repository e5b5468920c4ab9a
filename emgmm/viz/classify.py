"""New values classified by a fitted model (``prediction.predict``), drawn against the fit:
their histogram under the fitted mixture and its components, their strip coloured by
component with the uncertain ones marked, and each component's share of the new values
beside its share of the fitted ones (``prediction.compare_assignments``). Pure functions
from the engine's tables to Altair charts."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..model import GMM
from . import plotdata
from .charts import curves_base, histogram_layer
from .style import (
    AXIS_WIDTH,
    BOTTOM_HEIGHT,
    FINAL_HEIGHT,
    Layered,
    axis,
    colour_scale,
    component_label,
    component_legend,
    component_number_scale,
    label_expr,
)

#: A new value is marked uncertain when ``1 - max_k r_k`` is above this: no component
#: takes more than 80 % of it.
UNCERTAIN_ABOVE = 0.2
#: The strip's two kinds of point, as its legend names them.
POINT_KINDS = ("clear", f"uncertain (1 - max r > {UNCERTAIN_ABOVE:g})")
#: The share chart's two sets of values, as its legend names them.
SETS = ("fitted data", "new values")
#: Height (px) a legend (or a title) takes from a chart.
LEGEND_PX = 36
#: The fitted data's range, drawn as dashed rules.
RANGE_COLOUR = "#666666"


def new_domain(fitted_domain: tuple[float, float], x: np.ndarray) -> tuple[float, float]:
    """An x range that holds the fitted data's (``fitted_domain``, already widened) and the
    new values ``x``, widened as ``plotdata.x_domain`` widens."""
    if x.size == 0:
        return fitted_domain
    lo, hi = min(fitted_domain[0], float(np.min(x))), max(fitted_domain[1], float(np.max(x)))
    if lo == fitted_domain[0] and hi == fitted_domain[1]:
        return fitted_domain
    return plotdata.x_domain(np.array([lo, hi]))


def strip_table(predicted: pd.DataFrame, rng, weights: np.ndarray | None = None) -> pd.DataFrame:
    """The points the strip shows (``plotdata.strip_sample``: at most
    ``plotdata.STRIP_MAX_POINTS``, drawn by weight when weighted): ``x``, ``jitter``,
    ``component`` (as text, the strip's colour field), ``uncertainty`` and ``kind``
    (``POINT_KINDS``)."""
    index, jitter = plotdata.strip_sample(len(predicted), rng, weights=weights)
    rows = predicted.iloc[index]
    uncertainty = rows["uncertainty"].to_numpy()
    return pd.DataFrame(
        {
            "x": rows["value"].to_numpy(),
            "jitter": jitter,
            "component": rows["component"].astype(int).astype(str).to_numpy(),
            "uncertainty": uncertainty,
            "kind": np.where(uncertainty > UNCERTAIN_ABOVE, POINT_KINDS[1], POINT_KINDS[0]),
        }
    )


def _range_rules(fitted_range: tuple[float, float]) -> alt.Chart:
    """Dashed rules at the fitted data's smallest and largest value."""
    table = pd.DataFrame({"x": list(fitted_range), "end": ["smallest fitted value", "largest fitted value"]})
    return (
        alt.Chart(table)
        .mark_rule(color=RANGE_COLOUR, strokeDash=[3, 3], strokeWidth=1.5)
        .encode(
            x="x:Q",
            tooltip=[alt.Tooltip("end:N", title="the fitted data's"), alt.Tooltip("x:Q", format=".4g")],
        )
    )


def new_values_charts(
    model: GMM,
    predicted: pd.DataFrame,
    fitted_range: tuple[float, float],
    domain: tuple[float, float],
    rng,
    weights: np.ndarray | None = None,
    x_title: str = "x",
    bins: int = plotdata.HIST_BINS,
) -> tuple[Layered, Layered]:
    """The new values against the fit: their histogram under the fitted mixture and its
    weighted components (top), and below it their strip coloured by component, the
    uncertain ones (``UNCERTAIN_ABOVE``) drawn as crosses; dashed rules at the fitted
    data's range on both.

    Parameters
    ----------
    model : GMM
        The fitted model.
    predicted : pandas.DataFrame
        ``prediction.predict(x_new, model)``.
    fitted_range : (float, float)
        The fitted data's smallest and largest value.
    domain : (float, float)
        The x range (``new_domain``).
    rng : int or numpy.random.Generator
        Draws the strip's subsample and jitter.
    weights : ndarray of shape (len(predicted),), optional
        The new values' frequencies: the histogram and the strip weigh them.
    """
    x = predicted["value"].to_numpy()
    hist = plotdata.histogram_table(x, domain, bins, weights)
    params = plotdata.params_table(model)
    xs = plotdata.grid(domain)
    y_max = plotdata.density_ceiling(hist, [model], xs)
    n = model.n_components
    # C1, C2, ... and the mixture, as the final view labels them
    colour = alt.Color("label:N", scale=colour_scale(n), title=None, legend=component_legend())
    x_enc = alt.X(
        "x:Q", title=x_title, scale=alt.Scale(domain=list(domain), nice=False, zero=False), axis=axis()
    )
    y_enc = alt.Y("density:Q", title="p(x)", scale=alt.Scale(domain=[0, y_max]))
    base = curves_base(params, domain)
    components = (
        base.transform_calculate(label=label_expr("component"))
        .mark_line(clip=True, strokeWidth=2)
        .encode(x=x_enc, y=y_enc, color=colour)
    )
    mixture = (
        base.transform_aggregate(density="sum(density)", groupby=["x"])
        .transform_calculate(label="'mixture'")
        .mark_line(clip=True, strokeWidth=2, strokeDash=[6, 4])
        .encode(x=x_enc, y=y_enc, color=colour)
    )
    top = alt.layer(
        histogram_layer(hist, domain, y_max, x_title), components, mixture, _range_rules(fitted_range)
    )
    top = top.properties(
        title=alt.TitleParams(
            "The new values (bars) under the fitted mixture (dashed) and its components",
            subtitle="dotted rules: the fitted data's smallest and largest value",
        ),
        height=FINAL_HEIGHT,
        width="container",
    )
    points = (
        alt.Chart(strip_table(predicted, rng, weights))
        .mark_point(filled=True, size=30, opacity=0.8, clip=True)
        .encode(
            x=x_enc,
            y=alt.Y(
                "jitter:Q",
                scale=alt.Scale(domain=[-0.05, 1.05]),
                title="new values",
                axis=axis(labels=False, ticks=False, grid=False, domain=False, minExtent=AXIS_WIDTH),
            ),
            color=alt.Color("component:N", scale=component_number_scale(n), legend=None),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=list(POINT_KINDS), range=["circle", "cross"]),
                title=None,
                legend=alt.Legend(orient="top", labelFontSize=12),
            ),
            tooltip=[
                alt.Tooltip("x:Q", format=".4g"),
                alt.Tooltip("component:N"),
                alt.Tooltip("uncertainty:Q", format=".3f"),
            ],
        )
    )
    # SVG, not the playback's canvas: at most STRIP_MAX_POINTS points, drawn once
    # the page's charts are as tall as asked, legend included: the strip's legend adds LEGEND_PX
    strip = alt.layer(points, _range_rules(fitted_range)).properties(
        height=BOTTOM_HEIGHT + LEGEND_PX, width="container"
    )
    return top, strip


def shares_chart(comparison: pd.DataFrame) -> alt.Chart:
    """Each component's share of the fitted data and of the new values, side by side
    (``prediction.compare_assignments``: first the fitted, second the new)."""
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "component": [component_label(int(c)) for c in comparison["component"]],
                    "values": name,
                    "share": comparison[f"share_{which}"].to_numpy(dtype=np.float64),
                    "count": comparison[f"count_{which}"].to_numpy(dtype=np.float64),
                }
            )
            for name, which in zip(SETS, ("first", "second"), strict=True)
        ],
        ignore_index=True,
    )
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            # bars side by side along x: a band scale across the container's width (a band
            # scale along y does not grow to the chart's height on the page)
            x=alt.X("component:N", title=None, sort=None, axis=axis(labelAngle=0)),
            xOffset=alt.XOffset("values:N", sort=list(SETS)),
            y=alt.Y(
                "share:Q",
                title="share of the values",
                scale=alt.Scale(domain=[0, 1]),
                axis=axis(format=".0%"),
            ),
            color=alt.Color(
                "values:N",
                scale=alt.Scale(domain=list(SETS), range=["#b8b8c8", "#4a4a68"]),
                title=None,
                legend=alt.Legend(orient="top", labelFontSize=12),
            ),
            tooltip=[
                alt.Tooltip("component:N"),
                alt.Tooltip("values:N"),
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("count:Q", format=",.4~g"),
            ],
        )
        .properties(
            title="Each component's share of the values",
            height=FINAL_HEIGHT - 80,
            width="container",
        )
    )
