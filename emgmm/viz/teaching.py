"""Charts that teach EM, from the tables of ``emgmm.teaching``: responsibilities r_k(x),
the parameters' paths, the strip coloured by uncertainty, the frames of "Show E- and M-steps".

As in ``screens.frame_specs``, what changes from frame to frame is in named datasets
(``charts.FRAME_DATASETS``, ``FRAME_DATASETS``): charts are built once per fit, each frame
swaps in ``half_step_datasets`` (``swap_datasets``). Long series are space-separated strings
that Vega splits (as ``plotdata``'s strip is), so that a frame's specs stay small."""

from __future__ import annotations

import math
from functools import lru_cache, partial
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .. import scaling
from .._types import FloatArray
from ..model import GMM
from ..teaching import PARAMETERS, RESPONSIBILITY_GRID, responsibility_grid
from . import charts, plotdata, screens
from .shown import Shown, counted, numbers_of, shown_responsibilities
from .style import (
    AXIS_WIDTH,
    DASH,
    FIT_COLOUR,
    PANEL_HEIGHT,
    Layered,
    axis,
    colour_scale,
    label_expr,
)

#: Named datasets of this module: previous curves, responsibilities, current iteration.
PREVIOUS, RESPONSIBILITIES, CURRENT, PATHS = "previous", "responsibilities", "current", "paths"
#: What a frame of "Show E- and M-steps" swaps, besides ``charts.FRAME_DATASETS``.
FRAME_DATASETS = (PREVIOUS, RESPONSIBILITIES, CURRENT)
#: Resolution of stored series, as a fraction of their range: far below a pixel.
RESOLUTION = 1e-4
#: Points a parameter path draws at most: about one per pixel of its panel.
PATH_POINTS = 200


def _text(values: ArrayLike, span: tuple[float, float] | None = None, decimals: int | None = None) -> str:
    """``values`` space-separated, in as many significant digits as ``RESOLUTION`` of their
    range (or of ``span``) needs: the rule of ``plotdata.strip_values``, at any magnitude;
    or, for values in [0, 1], to ``decimals`` decimals."""
    if decimals is not None:
        return plotdata.joined(f"%.{decimals}f", values)
    lo, hi = (float(np.min(values)), float(np.max(values))) if span is None else span
    magnitude = max(abs(lo), abs(hi), np.finfo(np.float64).tiny)
    # span: hi - lo capped at the largest float (it overflows from -1e308 to 1e308)
    step = max(scaling.span(lo, hi) * RESOLUTION, magnitude * np.finfo(np.float64).eps)
    digits = min(17, max(1, math.ceil(math.log10(magnitude / step)) + 1))
    return plotdata.joined(f"%.{digits}g", values)


def _components_only(n_components: int, noise: bool = False) -> alt.Scale:
    """``style.colour_scale`` without the mixture: the same colour for the same component
    (``n_components`` Gaussians, and the noise first with ``noise``)."""
    full = colour_scale(n_components, noise)
    return alt.Scale(domain=full.domain[:-1], range=full.range[:-1])


def _split(chart: alt.Chart, *fields: str) -> alt.Chart:
    """``chart`` with its records' space-separated ``fields`` split into one row per value,
    as numbers (the strings of ``_text`` and ``plotdata.strip_values``)."""
    return (
        chart.transform_calculate(**{f"{f}_s": f"split(datum.{f}, ' ')" for f in fields})
        .transform_flatten([f"{f}_s" for f in fields], as_=[f"{f}_v" for f in fields])
        .transform_calculate(**{f: f"toNumber(datum.{f}_v)" for f in fields})
    )


#: A chart's title and subtitle, in the strip's heading style.
_heading = partial(alt.TitleParams, fontSize=12, fontWeight="normal", anchor="start", color="#2E2E3A")


def responsibility_records(curves: pd.DataFrame) -> list[dict[str, Any]]:
    """The dataset of ``responsibility_chart``: one record per component, its curve's ``x``
    and ``responsibility`` as strings (the latter to 4 decimals). ``curves`` is
    ``teaching.responsibility_curves``: one component's curve after another, on one grid."""
    numbers = curves["component"].unique()
    n_grid = len(curves) // numbers.size
    r = curves["responsibility"].to_numpy().reshape(numbers.size, n_grid)
    return _curve_records(_text(curves["x"].to_numpy()[:n_grid]), r, numbers.tolist())


def model_responsibility_records(
    model: Shown, domain: tuple[float, float], n_grid: int = RESPONSIBILITY_GRID
) -> list[dict[str, Any]]:
    """``responsibility_records(shown.shown_responsibility_curves(model, *domain, n_grid))``, made
    without the table: a playback makes one a frame."""
    r = shown_responsibilities(model, responsibility_grid(*domain, n_grid)).T
    return _curve_records(grid_text(*domain, n_grid), r, numbers_of(model).tolist())


def _curve_records(x: str, r: FloatArray, numbers: list[int]) -> list[dict[str, Any]]:
    """One record per row of ``r`` (the curve of the component ``numbers[i]`` on the grid
    ``x``, as text)."""
    return [
        {"component": int(i), "x": x, "responsibility": _text(row, decimals=4)}
        for i, row in zip(numbers, r, strict=True)
    ]


@lru_cache(maxsize=16)
def grid_text(lo: float, hi: float, n_grid: int) -> str:
    """The responsibilities panel's x values (``teaching.responsibility_grid``) as its specs read them."""
    return _text(responsibility_grid(lo, hi, n_grid))


def component_colours(n_components: int, noise: bool = False) -> tuple[str, ...]:
    """The colours of components 1..K (with ``noise``, the noise's first), as every chart
    of a fit draws them."""
    return tuple(_components_only(n_components, noise).range)


def responsibility_chart(
    curves: pd.DataFrame, domain: tuple[float, float], x_title: str | None = "x", rows: bool = False
) -> alt.Chart:
    """Stacked areas of each component's responsibility r_k(x), in the components' colours,
    from 0 to 1: at each x, how a point there is shared out.

    ``curves`` is ``teaching.responsibility_curves``; it is stored in the named dataset
    ``RESPONSIBILITIES``. The x axis is the density chart's (``domain``, fixed, and the
    same y-axis width), so the panel lines up under it; labelled ``x_title``, or bare if None.
    With ``rows``, the dataset holds a row per component and x (as the browser's player
    fills it), not a record of series per component.
    """
    k, noise = counted(curves["component"])
    heading = _heading("Responsibilities r_i(x) = p(y = i | x): each component's share of a point at x")
    base = alt.Chart(alt.NamedData(RESPONSIBILITIES), title=heading)
    if not rows:
        base = _split(base, "x", "responsibility")
    base = base.transform_calculate(label=label_expr("component"))
    chart = base.mark_area(clip=True, opacity=0.85).encode(
        x=charts._x(domain, x_title or "x", labelled=x_title is not None),
        y=alt.Y(
            "responsibility:Q",
            stack="zero",
            scale=alt.Scale(domain=[0, 1]),
            title="r(x)",
            axis=axis(values=[0, 1], minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH),
        ),
        color=alt.Color("label:N", scale=_components_only(k, noise), legend=None),
        order=alt.Order("component:Q", sort="ascending"),  # C1 (or the noise) at the bottom
    )
    return chart.properties(
        height=PANEL_HEIGHT, width="container", datasets={RESPONSIBILITIES: responsibility_records(curves)}
    )


def path_records(paths: pd.DataFrame, max_points: int = PATH_POINTS) -> list[dict[str, Any]]:
    """The dataset of ``parameter_paths_chart``: per (parameter, component), a record of
    ``values`` (a string) at iterations ``first``, ``first + step``, ...: every ``step``-th
    iteration, so that a line has at most ``max_points`` of them, and the last iteration
    in a record of its own when the steps miss it."""
    records = []
    for name in PARAMETERS:
        rows = paths[paths["parameter"] == name]
        # one precision per parameter: its lines share an axis
        span = (float(rows["value"].min()), float(rows["value"].max()))
        for k, series in rows.groupby("component", sort=True):
            iterations = series["iteration"].to_numpy()
            if not np.array_equal(iterations, np.arange(iterations[0], iterations[0] + iterations.size)):
                raise ValueError("paths: expected consecutive iterations, as teaching.parameter_paths gives.")
            values, step = series["value"].to_numpy(), -(-iterations.size // max_points)
            kept = [np.arange(0, iterations.size, step)]
            kept += [np.array([iterations.size - 1])] if kept[0][-1] != iterations.size - 1 else []
            for index in kept:
                first, text = int(iterations[index[0]]), _text(values[index], span)
                records.append(
                    {"parameter": name, "component": int(k), "first": first, "step": step, "values": text}
                )
    return records


def current_records(iteration: int) -> list[dict[str, int]]:
    """The dataset ``CURRENT``: the iteration the parameter paths' rule marks."""
    return [{"iteration": int(iteration)}]


def parameter_paths_chart(
    paths: pd.DataFrame, current: int = 0, width: int = 220, height: int = 150
) -> alt.HConcatChart:
    """Weight, mean and sd against iteration, side by side (``teaching.parameter_paths``),
    one line per component in its colour, with a rule at the ``current`` iteration.

    The paths are the named dataset ``PATHS``; the rule's iteration is ``CURRENT``
    (``current_records``), for a playback to swap. Each panel is ``width`` by ``height``
    pixels (a concatenation cannot fit its container).
    """
    k, noise = counted(paths["component"])
    legend = alt.Legend(orient="bottom", direction="horizontal")
    colour = alt.Color("label:N", scale=_components_only(k, noise), title=None, legend=legend)
    rule = (
        alt.Chart(alt.NamedData(CURRENT)).mark_rule(color=FIT_COLOUR, strokeDash=DASH).encode(x="iteration:Q")
    )
    panels = []
    for name in PARAMETERS:
        line = (
            alt.Chart(alt.NamedData(PATHS))
            .transform_filter(f"datum.parameter == '{name}'")
            .transform_calculate(
                vs="split(datum['values'], ' ')",  # then its iterations: first, first + step, ...
                its="sequence(datum.first, datum.first + datum.step * length(datum.vs), datum.step)",
            )
            .transform_flatten(["its", "vs"], as_=["iteration", "v"])
            .transform_calculate(value="toNumber(datum.v)", label=label_expr("component"))
            .mark_line(strokeWidth=2)
            .encode(
                # iterations are whole numbers: no tick at 2.5; the panel's title names the y axis
                x=alt.X("iteration:Q", title="iteration", axis=axis(format="d", tickMinStep=1)),
                y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=axis()),
                color=colour,
            )
        )
        panels.append(alt.layer(line, rule).properties(title=name, width=width, height=height))
    subtitle = "one line per component; the rule marks the frame on screen"
    return alt.hconcat(*panels).properties(
        title=_heading("How EM moves the parameters", subtitle=subtitle),
        datasets={PATHS: path_records(paths), CURRENT: current_records(current)},
    )


def uncertainty_record(view: screens.DataView, model: Shown) -> dict[str, str]:
    """The strip of ``view`` (``DataView.strip``) with each point's ``uncertainty`` under
    ``model``, 1 - max_i r_i(x) (``shown_responsibilities``; ``teaching.uncertainty``
    for a GMM), to 2 decimals: the dataset ``"strip"`` of ``uncertainty_strip_chart``."""
    certain = shown_responsibilities(model, view.strip_x).max(axis=1)
    return {**view.strip(), "uncertainty": _text(1.0 - certain, decimals=2)}


def uncertainty_strip_chart(
    strip: dict[str, str],
    domain: tuple[float, float],
    n_components: int,
    x_title: str = "x",
    split: bool = True,
) -> alt.Chart:
    """The jittered strip (``charts.strip_chart``) with each point coloured by the model's
    uncertainty about its component, 1 - max_k r_k(x), on a sequential scale.

    ``strip`` is ``uncertainty_record``, stored in the named dataset ``"strip"`` (as the
    frame's own strip is). The colours run from 0 (one component takes the point) to
    1 - 1/K (all share it equally), fixed, so frames compare.
    """
    # pale for certain points, dark red for the disputed ones: never white on white
    top = 1.0 - 1.0 / n_components if n_components > 1 else 0.5
    scale = alt.Scale(scheme={"name": "orangered", "extent": [0.2, 1]}, domain=[0, top], clamp=True)
    # one line of title and no legend: the strip keeps the height of the component-coloured one
    heading = _heading(
        "each point by how unsure the model is of its component, 1 - max_i r_i(x): pale sure, dark red shared"
    )
    # the strip of charts.strip_chart (its axes, its canvas): it lines up with the charts above
    chart = charts.strip_chart(strip, domain, x_title=x_title, named=True, split=split)
    return (
        chart.mark_circle(size=14, opacity=0.85, clip=True)
        .encode(
            color=alt.Color("uncertainty:Q", scale=scale, legend=None),
            tooltip=[alt.Tooltip("x:Q", title=x_title), alt.Tooltip("uncertainty:Q", format=".2f")],
        )
        .properties(title=heading)
    )


def previous_records(model: Shown | None) -> list[dict[str, Any]]:
    """The dataset ``PREVIOUS``: ``plotdata.params_records`` of the faint model and each
    component's ``colour``; empty for none."""
    if model is None:
        return []
    colours = component_colours(model.n_components, not isinstance(model, GMM))
    return [{**row, "colour": c} for row, c in zip(plotdata.params_records(model), colours, strict=True)]


def with_previous_curves(
    top: Layered, previous: Shown | None, domain: tuple[float, float], y_max: float, rows: bool = False
) -> Layered:
    """The frame chart ``top`` (``screens.frame_screen``) with the weighted components of
    ``previous`` drawn faint and dotted behind its own, in their colours: where the M-step
    moved them from. The named dataset ``PREVIOUS`` (``previous_records``) holds them; with
    ``rows``, their curves (``component``, ``x``, ``density``, ``colour``), as the browser's
    player fills them."""
    # the colours are data (scale None): no second legend, no clash with the frame's scale
    colour = alt.Color("colour:N", scale=None)
    faint = (
        (alt.Chart(alt.NamedData(PREVIOUS)) if rows else charts.curves_base(alt.NamedData(PREVIOUS), domain))
        .mark_line(clip=True, strokeWidth=1.5, opacity=0.45, strokeDash=[2, 3])
        .encode(x=charts._x(domain, labelled=False), y=charts._y(y_max), color=colour, detail="component:N")
    )
    chart = top.copy(deep=False)
    chart.layer = [top.layer[0], faint, *top.layer[1:]]  # over the histogram, under the curves
    chart.datasets = {**top.datasets, PREVIOUS: previous_records(previous)}
    return chart
