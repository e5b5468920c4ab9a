"""Altair chart builders: pure functions from the tables of ``plotdata`` to charts.

Every chart has fixed axes given by its caller (``domain`` for x, ``y_max`` for the
density), so frames of a playback line up exactly. Model curves are not embedded as
data: the chart carries one row per component and Vega evaluates the weighted densities
on a grid (``shown.CURVE_EXPR``: a noise flat), which keeps a spec a few kilobytes.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .plotdata import GRID_POINTS, records
from .shown import CURVE_EXPR
from .style import (
    AXIS_WIDTH,
    BOTTOM_HEIGHT,
    CANVAS,
    DASH,
    FINAL_HEIGHT,
    FIT_COLOUR,
    HEADING_SIZE,
    SOLID,
    TOP_HEIGHT,
    TRUE_COLOUR,
    Layered,
    axis,
    colour_scale,
    component_legend,
    component_number_scale,
    label_expr,
)

#: The datasets of a frame's curves when the browser computes them (``frame_charts(rows=True)``).
CURVES, MIXTURE = "curves", "mixture"


def _x(domain, title: str = "x", labelled: bool = True) -> alt.X:
    return alt.X(
        "x:Q",
        title=title,
        scale=alt.Scale(domain=list(domain), nice=False, zero=False),
        axis=axis() if labelled else axis(labels=False, ticks=False, title=None),
    )


def _y(y_max: float, title="p(x)"):
    return alt.Y(
        "density:Q",
        title=title,
        scale=alt.Scale(domain=[0, y_max]),
        axis=axis(minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH),
    )


def histogram_layer(hist: pd.DataFrame, domain, y_max: float, x_title: str | None = None) -> alt.Chart:
    """Outlined bars of a density-normalised histogram on a fixed axis; the x axis is
    labelled ``x_title`` when given, else left bare (a chart below carries it). In a
    layer the first layer's axis is the chart's, so the layers over it follow suit."""
    return (
        alt.Chart(hist)
        .mark_rect(fill="#e6e6ee", stroke="#8a8a99", strokeWidth=0.7, clip=True)
        .encode(
            x=alt.X(
                "start:Q",
                title=x_title,
                axis=axis() if x_title is not None else axis(labels=False, ticks=False, title=None),
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
        data = alt.Data(values=records(data))
    return (
        alt.Chart(data)
        .transform_calculate(xs=f"sequence({lo!r}, {hi + step / 2!r}, {step!r})")
        .transform_flatten(["xs"], as_=["x"])
        .transform_calculate(density=CURVE_EXPR)
    )


def strip_chart(
    strip: dict,
    domain,
    n_components: int | None = None,
    title: str = "",
    named: bool = False,
    x_title: str = "x",
    split: bool = True,
    noise: bool = False,
) -> alt.Chart:
    """Points at their value with a vertical jitter; coloured by ``component`` if given
    (``n_components`` Gaussians and, with ``noise``, the noise as component 0, in grey).

    ``strip`` is one record of parallel space-separated series (``plotdata.strip_values``,
    and any others a frame adds, such as ``component``): Vega splits every one of them
    into one row per point. The values stay text: Vega's scales and formats read them as
    numbers, so no expression runs per point in the browser (Streamlit's Vega interprets
    expressions). ``named`` puts the record in the dataset ``"strip"``. Drawn on a canvas.
    Unless ``split``: the dataset then holds a row per point, as the browser's player fills it.
    """
    data = alt.NamedData("strip") if named else alt.Data(values=[strip])
    heading = alt.TitleParams(title, fontSize=12, fontWeight="normal", anchor="start", color="#2E2E3A")
    fields = list(strip)
    base = alt.Chart(data, title=heading)
    if split:
        series = base.transform_calculate(**{f"{f}_s": f"split(datum['{f}'], ' ')" for f in fields})
        base = series.transform_flatten([f"{f}_s" for f in fields], as_=fields)
    colour: alt.Color | alt.ColorValue = (
        alt.Color("component:N", scale=component_number_scale(n_components, noise), legend=None)
        if n_components
        else alt.ColorValue("#4a4a68")
    )
    chart = (
        base.mark_circle(size=14, opacity=0.75, clip=True)
        .encode(
            x=_x(domain, x_title),
            # an axis title like the density's, so both plots start at the same x
            y=alt.Y(
                "jitter:Q",
                scale=alt.Scale(domain=[-0.05, 1.05]),
                title="points",
                # invisible labels and ticks take the room the density's take
                axis=axis(
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
        .properties(height=BOTTOM_HEIGHT, width="container", usermeta=CANVAS)
    )
    if not split:
        return chart.properties(datasets={"strip": []})
    return chart.properties(datasets={"strip": [strip]}) if named else chart


def data_charts(
    hist: pd.DataFrame, strip: dict, domain, y_max: float, title: str = "The data", x_title: str = "x"
) -> tuple[alt.Chart, alt.Chart]:
    """Screen 1: the histogram, and below it the jittered strip of points.

    Stacked charts are returned separately, not as one ``vconcat``: only a single or
    layered view can fit its container's width, axes included."""
    top = histogram_layer(hist, domain, y_max).properties(title=title, height=TOP_HEIGHT, width="container")
    return top, strip_chart(strip, domain, x_title=x_title)


#: The datasets a playback frame swaps: parameters, heading, strip colours.
FRAME_DATASETS = ("params", "heading", "strip")


def frame_charts(
    hist: pd.DataFrame,
    params: pd.DataFrame,
    strip: dict,
    domain,
    y_max: float,
    title: str,
    x_title: str = "x",
    rows: bool = False,
) -> tuple[Layered, alt.Chart]:
    """Screen 2, one iteration: weighted components (solid, a colour each) and their
    mixture (dashed) over the histogram, under the heading ``title``; below, the points
    coloured by their most responsible component.

    With ``rows``, the curves are read, not computed: the named datasets ``CURVES`` (a row
    per component and grid point: ``component``, ``x``, ``density``) and ``MIXTURE`` (a
    row per grid point), as the browser's player fills them.

    What changes from frame to frame lives in the named datasets ``FRAME_DATASETS``,
    the heading included (a text mark in the title's band), so consecutive frames have
    the same spec and the browser updates the data of the view it has instead of
    building a new one.
    """
    noise = bool((params["component"] == 0).any())  # plotdata.params_table numbers the noise 0
    k = len(params) - noise
    if rows:
        base, summed = alt.Chart(alt.NamedData(CURVES)), alt.Chart(alt.NamedData(MIXTURE))
    else:
        base = curves_base(alt.NamedData("params"), domain)
        summed = base.transform_aggregate(density="sum(density)", groupby=["x"])
    legend = component_legend()
    colour = alt.Color("label:N", scale=colour_scale(k, noise), title=None, legend=legend)
    components = (
        base.transform_calculate(label=label_expr("component"))
        .mark_line(clip=True, strokeWidth=2)
        .encode(x=_x(domain, labelled=False), y=_y(y_max), color=colour)
    )
    mixture = (
        summed.transform_calculate(label="'mixture'")
        .mark_line(clip=True, strokeWidth=2.5, strokeDash=DASH)
        .encode(x=_x(domain, labelled=False), y=_y(y_max), color=colour)
    )
    heading = (
        alt.Chart(alt.NamedData("heading"))
        .mark_text(align="left", baseline="bottom", fontSize=HEADING_SIZE, fontWeight="bold", color="#1B1B2F")
        .encode(text="text:N", x=alt.value(-AXIS_WIDTH), y=alt.value(-12))
    )
    top = alt.layer(histogram_layer(hist, domain, y_max), components, mixture, heading).properties(
        title=alt.TitleParams(" ", fontSize=HEADING_SIZE),  # reserves the band the heading is drawn in
        datasets={
            **({CURVES: [], MIXTURE: []} if rows else {"params": records(params)}),
            "heading": [{"text": title}],
        },
        height=TOP_HEIGHT,
        width="container",
    )
    strip_view = strip_chart(
        strip,
        domain,
        k,
        title="each point in the colour of its most responsible component",
        named=True,
        x_title=x_title,
        noise=noise,
    )
    return top, strip_view


def _model_encoding(domain, y_max: float, y_title: str, models: list[str], x_title: str) -> dict:
    """True solid in blue, fit dashed in vermillion; ``models`` are those drawn."""
    colours = {"True": (TRUE_COLOUR, SOLID), "Fit": (FIT_COLOUR, DASH)}
    return dict(
        x=_x(domain, x_title),
        y=_y(y_max, y_title),
        color=alt.Color(
            "model:N",
            scale=alt.Scale(domain=models, range=[colours[m][0] for m in models]),
            title=None,
            legend=alt.Legend(orient="top"),
        ),
        strokeDash=alt.StrokeDash(
            "model:N",
            scale=alt.Scale(domain=models, range=[colours[m][1] for m in models]),
            title=None,
            legend=alt.Legend(orient="top"),
        ),
    )


def final_charts(
    hist: pd.DataFrame,
    params: pd.DataFrame,
    domain,
    y_max: float,
    y_max_components: float,
    x_title: str = "x",
) -> tuple[Layered, alt.Chart]:
    """Screen 3: the fitted mixture (and the true one, when ``params`` has it) over the
    histogram; beside it, every weighted component of each model. ``params`` has a
    ``model`` column ("True" or "Fit"); the fit is drawn with its own weights. Each chart
    has its own x axis, labelled ``x_title``. A noise (component 0) is drawn flat, said in a title."""
    models = [m for m in ("True", "Fit") if m in set(params["model"])]
    # short enough for half a 1280 px screen (a longer title is cut): "weighted" gives way
    noisy = bool((params["component"] == 0).any())
    what = "components p(x|y) p(y), the noise flat" if noisy else "weighted components, p(x|y) p(y)"
    who = "True & EM-fit" if "True" in models else "EM-fit"
    base = curves_base(params, domain)
    mixtures = (
        base.transform_aggregate(density="sum(density)", groupby=["x", "model"])
        .mark_line(clip=True, strokeWidth=2)
        .encode(**_model_encoding(domain, y_max, "p(x)", models, x_title))
    )
    top = alt.layer(histogram_layer(hist, domain, y_max, x_title), mixtures).properties(
        title=f"{who} mixture densit{'ies' if len(models) > 1 else 'y'}, p(x)",
        height=FINAL_HEIGHT,
        width="container",
    )
    components = (
        base.mark_line(clip=True, strokeWidth=2)
        .encode(
            detail="component:N", **_model_encoding(domain, y_max_components, "p(x|y) p(y)", models, x_title)
        )
        .properties(title=f"{who} {what}", height=FINAL_HEIGHT, width="container")
    )
    return top, components
