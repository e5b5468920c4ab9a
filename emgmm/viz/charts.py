"""Altair chart builders: pure functions from the tables of ``plotdata`` to charts.

Every chart has fixed axes given by its caller (``domain`` for x, ``y_max`` for the
density), so frames of a playback line up exactly. Model curves are not embedded as
data: the chart carries one row per component and Vega evaluates the weighted normal
densities on a grid (``curve_layers``), which keeps a frame's spec a few kilobytes.
"""

from __future__ import annotations

import math
from typing import TypeAlias

import altair as alt
import pandas as pd

from .plotdata import GRID_POINTS

#: A layered chart: Altair's typing says ``LayerChart.properties`` may return a facet chart.
Layered: TypeAlias = "alt.LayerChart | alt.FacetChart"

#: Paul Tol's "muted" scheme (colour-blind safe) plus a dark grey: one colour a component.
PALETTE = (
    "#332288",
    "#CC6677",
    "#117733",
    "#88CCEE",
    "#AA4499",
    "#44AA99",
    "#999933",
    "#882255",
    "#DDCC77",
    "#555555",
)
MIXTURE_COLOUR = "#222222"
#: True and fitted models differ by line style as well as colour (Okabe-Ito blue, vermillion).
TRUE_COLOUR, FIT_COLOUR = "#0072B2", "#D55E00"
DASH, SOLID = [6, 4], [1, 0]
HEADING_SIZE = 16
TOP_HEIGHT, BOTTOM_HEIGHT = 360, 190

#: Vega expression of a weighted normal density at ``datum.x``: p(x|y) p(y).
DENSITY_EXPR = (
    "datum.weight * exp(-0.5 * pow((datum.x - datum.mean) / datum.sd, 2))"
    f" / (datum.sd * {math.sqrt(2 * math.pi)!r})"
)


#: Components are labelled C1, C2, ... (``component_numbers``) in legends and titles.
COMPONENT_PREFIX = "C"


def component_label(i: int) -> str:
    """Legend label of the component numbered ``i``."""
    return f"{COMPONENT_PREFIX}{i}"


def _label_expr(field: str) -> str:
    """The Vega expression of ``component_label`` for a component number in ``field``."""
    return f"'{COMPONENT_PREFIX}' + datum.{field}"


def colour_scale(n_components: int) -> alt.Scale:
    """The same colour for the same component in every chart; the mixture in black."""
    labels = [component_label(i) for i in range(1, n_components + 1)]
    colours = [PALETTE[(i - 1) % len(PALETTE)] for i in range(1, n_components + 1)]
    return alt.Scale(domain=[*labels, "mixture"], range=[*colours, MIXTURE_COLOUR])


def _x(domain, title="x", field="x", axis=True):
    return alt.X(
        f"{field}:Q",
        title=title,
        scale=alt.Scale(domain=list(domain), nice=False, zero=False),
        axis=alt.Axis() if axis else alt.Axis(labels=False, ticks=False, title=None),
    )


#: Every y axis takes this many pixels, so charts stacked in a column line up on x.
AXIS_WIDTH = 56


def _y(y_max: float, title="p(x)"):
    return alt.Y(
        "density:Q",
        title=title,
        scale=alt.Scale(domain=[0, y_max]),
        axis=alt.Axis(minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH),
    )


def histogram_layer(hist: pd.DataFrame, domain, y_max: float) -> alt.Chart:
    """Outlined bars of a density-normalised histogram on a fixed axis."""
    return (
        alt.Chart(hist)
        .mark_rect(fill="#e6e6ee", stroke="#8a8a99", strokeWidth=0.7, clip=True)
        .encode(
            x=alt.X(
                "start:Q",
                title=None,
                axis=alt.Axis(labels=False, ticks=False),
                scale=alt.Scale(domain=list(domain), nice=False, zero=False),
            ),
            x2="end:Q",
            y=_y(y_max),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("start:Q", format=".4g"),
                alt.Tooltip("end:Q", format=".4g"),
                alt.Tooltip("density:Q", format=".3g"),
            ],
        )
    )


def curves_base(data, domain, n_grid: int = GRID_POINTS) -> alt.Chart:
    """Per-component weighted densities on a grid of ``n_grid`` x values over ``domain``,
    computed by Vega from one row per component (``plotdata.params_table``, as a table
    or as ``alt.NamedData``)."""
    lo, hi = domain
    step = (hi - lo) / (n_grid - 1)
    if isinstance(data, pd.DataFrame):
        data = alt.Data(values=data.to_dict("records"))
    return (
        alt.Chart(data)
        .transform_calculate(xs=f"sequence({lo!r}, {hi + step / 2!r}, {step!r})")
        .transform_flatten(["xs"], as_=["x"])
        .transform_calculate(density=DENSITY_EXPR)
    )


def strip_chart(
    strip: dict, domain, n_components: int | None = None, title: str = "", named: bool = False
) -> alt.Chart:
    """Points at their value with a vertical jitter; coloured by ``component`` if given.

    ``strip`` is ``plotdata.strip_values``: one record of strings that Vega splits into
    one row per point. ``named`` puts it in the dataset ``"strip"``.
    """
    data = alt.NamedData("strip") if named else alt.Data(values=[strip])
    base = alt.Chart(data, title=title).transform_calculate(
        xs="split(datum.x, ' ')", js="split(datum.jitter, ' ')"
    )
    arrays: list[str | alt.FieldName] = ["xs", "js"]
    names: list[str | alt.FieldName] = ["xv", "jv"]
    if n_components:
        base = base.transform_calculate(cs="split(datum.component, ' ')")
        arrays, names = [*arrays, "cs"], [*names, "cv"]
    base = base.transform_flatten(arrays, as_=names).transform_calculate(
        x="toNumber(datum.xv)", jitter="toNumber(datum.jv)"
    )
    if n_components:
        base = base.transform_calculate(label=_label_expr("cv"))
        colour: alt.Color | alt.ColorValue = alt.Color(
            "label:N", scale=colour_scale(n_components), legend=None
        )
    else:
        colour = alt.ColorValue("#4a4a68")
    chart = (
        base.mark_circle(size=14, opacity=0.75, clip=True)
        .encode(
            x=_x(domain),
            # an axis title like the density's, so both plots start at the same x
            y=alt.Y(
                "jitter:Q",
                scale=alt.Scale(domain=[-0.05, 1.05]),
                title="points",
                # invisible labels and ticks take the room the density's take
                axis=alt.Axis(
                    labelColor="transparent",
                    tickOpacity=0,
                    grid=False,
                    domain=False,
                    labelExpr="format(datum.value, '.1f')",
                    minExtent=AXIS_WIDTH,
                    maxExtent=AXIS_WIDTH,
                ),
            ),
            color=colour,
        )
        .properties(height=BOTTOM_HEIGHT, width="container")
    )
    return chart.properties(datasets={"strip": [strip]}) if named else chart


def data_charts(
    hist: pd.DataFrame, strip: dict, domain, y_max: float, title: str = "The data"
) -> tuple[alt.Chart, alt.Chart]:
    """Screen 1: the histogram, and below it the jittered strip of points.

    Stacked charts are returned separately, not as one ``vconcat``: only a single or
    layered view can fit its container's width, axes included."""
    top = histogram_layer(hist, domain, y_max).properties(title=title, height=TOP_HEIGHT, width="container")
    return top, strip_chart(strip, domain)


#: The datasets a playback frame swaps: parameters, heading, strip colours.
FRAME_DATASETS = ("params", "heading", "strip")


def frame_charts(
    hist: pd.DataFrame, params: pd.DataFrame, strip: dict, domain, y_max: float, title: str
) -> tuple[Layered, alt.Chart]:
    """Screen 2, one iteration: weighted components (solid, a colour each) and their
    mixture (dashed) over the histogram, under the heading ``title``; below, the points
    coloured by their most responsible component.

    What changes from frame to frame lives in the named datasets ``FRAME_DATASETS``,
    the heading included (a text mark in the title's band), so consecutive frames have
    the same spec and the browser updates the data of the view it has instead of
    building a new one.
    """
    k = len(params)
    base = curves_base(alt.NamedData("params"), domain)
    legend = alt.Legend(orient="bottom", direction="horizontal")
    colour = alt.Color("label:N", scale=colour_scale(k), title=None, legend=legend)
    components = (
        base.transform_calculate(label=_label_expr("component"))
        .mark_line(clip=True, strokeWidth=2)
        .encode(x=_x(domain, axis=False), y=_y(y_max), color=colour)
    )
    mixture = (
        base.transform_aggregate(density="sum(density)", groupby=["x"])
        .transform_calculate(label="'mixture'")
        .mark_line(clip=True, strokeWidth=2.5, strokeDash=DASH)
        .encode(x=_x(domain, axis=False), y=_y(y_max), color=colour)
    )
    heading = (
        alt.Chart(alt.NamedData("heading"))
        .mark_text(align="left", baseline="bottom", fontSize=HEADING_SIZE, fontWeight="bold", color="#1B1B2F")
        .encode(text="text:N", x=alt.value(-AXIS_WIDTH), y=alt.value(-12))
    )
    top = alt.layer(histogram_layer(hist, domain, y_max), components, mixture, heading).properties(
        title=alt.TitleParams(" ", fontSize=HEADING_SIZE),  # reserves the band the heading is drawn in
        datasets={"params": params.to_dict("records"), "heading": [{"text": title}]},
        height=TOP_HEIGHT,
        width="container",
    )
    return top, strip_chart(strip, domain, k, title="current classification", named=True)


def _model_encoding(domain, y_max: float, y_title: str, axis: bool = True) -> dict:
    """True solid in blue, fit dashed in vermillion."""
    models = ["True", "Fit"]
    return dict(
        x=_x(domain, axis=axis),
        y=_y(y_max, y_title),
        color=alt.Color(
            "model:N",
            scale=alt.Scale(domain=models, range=[TRUE_COLOUR, FIT_COLOUR]),
            title=None,
            legend=alt.Legend(orient="top"),
        ),
        strokeDash=alt.StrokeDash(
            "model:N",
            scale=alt.Scale(domain=models, range=[SOLID, DASH]),
            title=None,
            legend=alt.Legend(orient="top"),
        ),
    )


def final_charts(
    hist: pd.DataFrame, params: pd.DataFrame, domain, y_max: float, y_max_components: float
) -> tuple[Layered, alt.Chart]:
    """Screen 3: true and fitted mixtures over the histogram; below, every weighted
    component of both models. ``params`` has a ``model`` column ("True" or "Fit");
    the fit is drawn with its own weights."""
    base = curves_base(params, domain)
    mixtures = (
        base.transform_aggregate(density="sum(density)", groupby=["x", "model"])
        .mark_line(clip=True, strokeWidth=2)
        .encode(**_model_encoding(domain, y_max, "p(x)", axis=False))
    )
    top = alt.layer(histogram_layer(hist, domain, y_max), mixtures).properties(
        title="True & EM-fit mixture densities, p(x)", height=TOP_HEIGHT, width="container"
    )
    components = (
        base.mark_line(clip=True, strokeWidth=2)
        .encode(detail="component:N", **_model_encoding(domain, y_max_components, "p(x|y) p(y)"))
        .properties(
            title="True & EM-fit weighted components, p(x|y) p(y)", height=TOP_HEIGHT, width="container"
        )
    )
    return top, components
