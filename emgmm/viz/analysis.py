"""Charts of how sure a fit is, by the bootstrap: the replicates of w_i, mu_i and sigma_i
and the band they put around p(x) (``emgmm.bootstrap``), and the bootstrap likelihood-ratio
test of K against K + 1 components (``emgmm.lrt``). Pure functions from the engine's
tables to Altair charts.

A chart never carries one row per replicate: replicates are binned here (``value_bins``)
and the band is a grid (``band_table``), so 999 replicates of 10 components stay a few
hundred rows."""

from __future__ import annotations

from typing import Literal

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..model import GMM
from . import charts, plotdata
from .style import (
    AXIS_WIDTH,
    FINAL_HEIGHT,
    FIT_COLOUR,
    MIXTURE_COLOUR,
    TRUE_COLOUR,
    Layered,
    axis,
    component_label,
)

# the teaching charts' heading and component colours (without the mixture), shared
from .teaching import _components_only, _heading

#: Bars of each histogram of replicates: enough for a shape, few enough to read at 100 px.
REPLICATE_BINS = 30
#: The panels of ``bootstrap_histograms``, in order, titled in the page's notation.
PANELS = {"weight": "weight w_i", "mean": "mean μ_i", "sd": "sd σ_i"}
#: Each panel's size (px): three panels side by side fill a 1280 px projector's page.
PANEL_WIDTH, PANEL_HEIGHT = 300, 90


def value_bins(values: ArrayLike, bins: int = REPLICATE_BINS) -> pd.DataFrame:
    """Counts of the finite ``values`` in ``bins`` equal bins over their range: one row per
    bin, ``start, end, count``; values equal up to rounding make one bin (a constant's is
    ``plotdata.x_domain`` of it); never a bin narrower than a float64 step (``plotdata.bin_edges``)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]  # a failed replicate holds NaN
    if not finite.size:
        counts, edges = np.histogram(finite, bins=bins)
        return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo <= bins * 4 * plotdata.float_step(max(abs(lo), abs(hi))):
        bins = 1  # equal up to rounding (K = 1's weights): one bar, not bins narrower than a float step
    # edges in the values' own units (``plotdata.bin_edges``): a constant at 1.7e18 gets a
    # bar around it that float64 resolves, not numpy's value +- 0.5, which rounds away
    domain = (lo, hi) if hi > lo else plotdata.x_domain(finite)
    counts, edges = np.histogram(finite, bins=plotdata.bin_edges(domain, bins))
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})


def replicate_bins(replicates: pd.DataFrame, bins: int = REPLICATE_BINS) -> pd.DataFrame:
    """``value_bins`` of each parameter of each component of ``Bootstrap.replicates``: columns
    ``component, parameter, start, end, count``, components and ``PANELS`` in order."""
    tables = [
        value_bins(rows[parameter], bins).assign(component=int(k), parameter=parameter)
        for k, rows in replicates.groupby("component", sort=True)
        for parameter in PANELS
    ]
    return pd.concat(tables, ignore_index=True)[["component", "parameter", "start", "end", "count"]]


def _percent(level: float) -> str:
    return f"{100 * level:g}%"


def _bin_tooltip(counted: str) -> list[alt.Tooltip]:
    """A bar's tooltip: its bin and how many ``counted`` fall in it."""
    return [
        alt.Tooltip("start:Q", format=".4g"),
        alt.Tooltip("end:Q", format=".4g"),
        alt.Tooltip("count:Q", title=counted),
    ]


def bootstrap_histograms(
    replicates: pd.DataFrame,
    summary: pd.DataFrame,
    level: float = 0.95,
    width: int = PANEL_WIDTH,
    height: int = PANEL_HEIGHT,
) -> alt.FacetChart:
    """Small multiples of the bootstrap: a row per component (in its colour), a panel per
    parameter (``PANELS``), each a histogram of the replicates with the full-data estimate
    (a rule) and the ``level`` percentile interval (shaded) marked.

    ``replicates`` and ``summary`` are ``Bootstrap.replicates`` (failed replicates, NaN, are
    left out) and ``Bootstrap.summary``, ``level`` its ``level``; each panel is ``width`` by
    ``height`` px, with its own scales. With one component the weight is 1 in every
    replicate: its panel is left out."""
    k = int(replicates["component"].max())
    shown = [p for p in PANELS if k > 1 or p != "weight"]
    bars = replicate_bins(replicates).assign(kind="bin")
    marks = summary[["component", "parameter", "estimate", "lower", "upper"]].assign(kind="summary")
    table = pd.concat([bars, marks], ignore_index=True).query("parameter in @shown")
    table = table.assign(label=table["component"].map(component_label), panel=table["parameter"].map(PANELS))

    def x_axis(field: str) -> alt.X:
        return alt.X(f"{field}:Q", title=None, scale=alt.Scale(zero=False), axis=axis(tickCount=5))

    marked = alt.Chart().transform_filter("datum.kind == 'summary'")
    interval = marked.mark_rect(color="#888", opacity=0.25).encode(x=x_axis("lower"), x2="upper:Q")
    colour = alt.Color("label:N", scale=_components_only(k), legend=None)
    histogram = (
        alt.Chart()
        .transform_filter("datum.kind == 'bin'")
        .mark_rect(opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            x=x_axis("start"),
            x2="end:Q",
            # the subtitle says what the bars count: no axis title repeated in every panel
            y=alt.Y("count:Q", title=None, axis=axis(tickCount=3)),
            color=colour,
            tooltip=_bin_tooltip("replicates"),
        )
    )
    estimate = marked.mark_rule(color=MIXTURE_COLOUR, strokeWidth=2).encode(
        x=x_axis("estimate"),
        tooltip=[
            alt.Tooltip("estimate:Q", title="full-data estimate", format=".4g"),
            alt.Tooltip("lower:Q", title=f"{_percent(level)} interval from", format=".4g"),
            alt.Tooltip("upper:Q", title="to", format=".4g"),
        ],
    )
    header = alt.Header(title=None, labelFontSize=14, labelColor="#2E2E3A", labelAngle=0)
    heading = _heading(
        f"Bootstrap: {replicates['replicate'].nunique()} replicates of each w_i, μ_i, σ_i",
        subtitle=f"bars: how many replicates; line: the full-data estimate; shaded: the {_percent(level)} "
        "percentile interval",
    )
    return (
        alt.layer(interval, histogram, estimate)
        .properties(width=width, height=height)
        .facet(
            data=table,
            row=alt.Row("label:N", sort=[component_label(i) for i in range(1, k + 1)], header=header),
            column=alt.Column("panel:N", sort=[PANELS[p] for p in shown], header=header),
            title=heading,
        )
        .resolve_scale(x="independent", y="independent")
    )


def band_table(
    domain: tuple[float, float],
    model: GMM,
    replicates: pd.DataFrame,
    level: float = 0.95,
    n_grid: int = plotdata.GRID_POINTS,
) -> pd.DataFrame:
    """The fitted mixture density and a pointwise ``level`` band from the replicates'.

    Returns
    -------
    pandas.DataFrame
        One row per x of ``plotdata.grid(domain, n_grid)``: ``x``, ``density`` (``model``'s
        p(x)), and ``lower`` and ``upper``, the (1 - level) / 2 and (1 + level) / 2
        quantiles (numpy's linear interpolation) of the replicates' p(x) at x. Replicates
        with a NaN parameter (failed) are left out; with none left the band is NaN.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level: expected a coverage in (0, 1), got {level!r}.")
    if n_grid < 2:
        raise ValueError(f"n_grid: expected at least 2 points, got {n_grid!r}.")
    xs = plotdata.grid(domain, n_grid)
    # one row per replicate, one column per component (components numbered from 1)
    wide = replicates.pivot(index="replicate", columns="component", values=["weight", "mean", "sd"]).dropna()
    weights, means, sds = (wide[name].to_numpy(dtype=np.float64) for name in ("weight", "mean", "sd"))
    densities = np.zeros((len(wide), xs.size))
    for j in range(weights.shape[1]):  # one component at a time: memory of B x n_grid
        z = (xs[None, :] - means[:, j, None]) / sds[:, j, None]
        densities += weights[:, j, None] * np.exp(-0.5 * z**2) / (sds[:, j, None] * np.sqrt(2 * np.pi))
    tail = (1.0 - level) / 2.0
    if len(wide):
        lower, upper = np.quantile(densities, [tail, 1.0 - tail], axis=0)
    else:
        lower = upper = np.full(xs.size, np.nan)
    return pd.DataFrame({"x": xs, "density": model.pdf(xs), "lower": lower, "upper": upper})


def density_band(
    domain: tuple[float, float],
    model: GMM,
    replicates: pd.DataFrame,
    level: float = 0.95,
    n_grid: int = plotdata.GRID_POINTS,
    hist: pd.DataFrame | None = None,
    x_title: str = "x",
) -> Layered:
    """The fitted p(x) (a line) in a shaded pointwise ``level`` band of the replicates' p(x)
    (``band_table``), over the data's histogram ``hist`` (``plotdata.histogram_table``, as
    ``screens.DataView.hist``) when given, on the fixed x axis ``domain``."""
    band = band_table(domain, model, replicates, level, n_grid)
    tallest = np.nanmax([*band["upper"], *band["density"], *([] if hist is None else hist["density"])])
    y_max = 1.1 * float(tallest) if tallest > 0 else 1.0
    base = alt.Chart(band)
    shaded = base.mark_area(color=FIT_COLOUR, opacity=0.25, clip=True).encode(
        x=charts._x(domain, x_title),
        y=alt.Y(
            "lower:Q",
            title="p(x)",
            scale=alt.Scale(domain=[0, y_max]),
            axis=axis(minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH),
        ),
        y2="upper:Q",
        tooltip=[
            alt.Tooltip("x:Q", format=".4g"),
            alt.Tooltip("lower:Q", format=".3g", title=f"{_percent(level)} band from"),
            alt.Tooltip("upper:Q", format=".3g", title="to"),
        ],
    )
    line = base.mark_line(color=FIT_COLOUR, strokeWidth=2, clip=True).encode(
        x=charts._x(domain, x_title), y=charts._y(y_max), tooltip=[alt.Tooltip("density:Q", format=".3g")]
    )
    under = [] if hist is None else [charts.histogram_layer(hist, domain, y_max, x_title)]
    heading = _heading(
        "How sure is the fitted density?",
        subtitle=f"line: the fitted p(x) = Σ_i w_i N(x; μ_i, σ_i²); band: {_percent(level)} of the "
        "replicates' p(x) at each x",
    )
    return alt.layer(*under, shaded, line).properties(title=heading, height=FINAL_HEIGHT, width="container")


def lrt_histogram(
    replicates: pd.DataFrame,
    observed: float,
    k: int,
    k_alt: int,
    p_value: float | None = None,
    bins: int = REPLICATE_BINS,
) -> Layered:
    """The bootstrap distribution of LRT* for K = ``k`` against ``k_alt`` components (a
    histogram of ``bins`` bars), with a rule at the ``observed`` LRT and the p-value in the
    subtitle.

    ``replicates`` is ``LikelihoodRatioTests.replicates``: its rows of this test (``k``,
    ``k_alt``) are drawn, or every row of a table without those columns. ``observed`` and
    ``p_value`` are the test's ``lrt`` and ``p_value`` (``LikelihoodRatioTests.table``); the
    p-value by default is ``(1 + #{LRT* >= LRT}) / (B + 1)``, as ``emgmm.lrt`` computes it."""
    rows = replicates
    if {"k", "k_alt"} <= set(replicates.columns):
        rows = replicates[(replicates["k"] == k) & (replicates["k_alt"] == k_alt)]
    stars = rows["lrt"].to_numpy(dtype=np.float64)
    floor = 1.0 / (stars.size + 1)  # no simulated LRT* as large as the data's
    if p_value is None:
        p_value = (1 + int(np.sum(stars >= observed))) * floor
    bars = (
        alt.Chart(value_bins(stars, bins))
        .mark_rect(color=TRUE_COLOUR, opacity=0.6, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("start:Q", title="likelihood-ratio statistic LRT", axis=axis()),
            x2="end:Q",
            y=alt.Y("count:Q", title="simulated data sets", axis=axis(tickMinStep=1)),
            tooltip=_bin_tooltip("data sets"),
        )
    )
    marker = alt.Chart(pd.DataFrame({"lrt": [float(observed)], "text": [f"observed LRT = {observed:.3g}"]}))
    rule = marker.mark_rule(color=FIT_COLOUR, strokeWidth=3).encode(
        x="lrt:Q", tooltip=[alt.Tooltip("lrt:Q", title="observed LRT", format=".4g")]
    )
    # the label on the side of the rule with the room: left of it in the right half
    right_half = observed > 0.5 * max(float(np.max(stars, initial=0.0)), observed)
    align: Literal["left", "right"] = "right" if right_half else "left"
    dx = -6 if right_half else 6
    label = marker.mark_text(align=align, dx=dx, y=10, fontSize=13, color=FIT_COLOUR).encode(
        x="lrt:Q", text="text:N"
    )
    heading = _heading(
        f"Is K = {k_alt} better than K = {k}? LRT = 2 (log L_{k_alt} - log L_{k})",
        subtitle=f"bars: LRT of {stars.size} data sets simulated from the K = {k} fit; rule: the data's; "
        f"p = {p_value:.3g}"
        + (f", the smallest {stars.size} sets can give" if stars.size and p_value <= floor else ""),
    )
    return alt.layer(bars, rule, label).properties(title=heading, height=260, width="container")
