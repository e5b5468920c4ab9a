"""Charts that look into a fit: how well it describes the data (the empirical CDF against
the fitted one, a quantile-quantile plot; ``emgmm.goodness``) and where EM's starts ended,
the local optima explorer (``em.fit_starts``). Pure functions from the engine's tables to
Altair charts.

Starts are numbered from 1 here, as the page shows them; ``fit_starts`` numbers them from
0. ``START_OFFSET`` converts, in ``start_summary`` and ``start_history`` only."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from . import plotdata
from .style import FINAL_HEIGHT, FIT_COLOUR, MIXTURE_COLOUR, TRUE_COLOUR, Layered, axis

# the teaching charts' heading, shared
from .teaching import _heading

#: The colour of the data's own curves and points (the strip's, when it has no components).
DATA_COLOUR = "#4a4a68"
#: The page's start number of ``fit_starts``'s start 0.
START_OFFSET = 1
#: A start reached the best when its final log L is within this relative difference of it:
#: far above EM's stopping tolerance (1e-8 relative gain), far below a different optimum.
BEST_RTOL = 1e-6
#: Columns of ``start_summary``.
SUMMARY_COLUMNS = ("start", "final_log_likelihood", "n_iter", "stop_reason", "reached_best", "hc")
#: What the starts chart calls the hc start (``starts.fit_starts_and_hc``).
HC_NAME = "mclust's start (hc)"


def ks_segment(table: pd.DataFrame) -> pd.DataFrame:
    """Where the empirical CDF is farthest from the fitted one, in ``goodness.ecdf_table``.

    Returns
    -------
    pandas.DataFrame
        One row: ``x``, ``cdf`` (F there) and ``ecdf``, the value of the drawn F_n at the
        end of the widest gap: F_n(x) or, when the gap is just below x, the step before
        it. With every step in the table (``ecdf_table`` keeps up to ``max_rows`` distinct
        values), ``|ecdf - cdf|`` is the KS distance and ``x`` where it is reached.
    """
    ecdf, cdf = table["ecdf"].to_numpy(), table["cdf"].to_numpy()
    below = np.concatenate([[0.0], ecdf[:-1]])  # F_n just below each step
    after, before = np.abs(ecdf - cdf), np.abs(cdf - below)
    i = int(np.argmax(np.maximum(after, before)))
    end = ecdf[i] if after[i] >= before[i] else below[i]
    return pd.DataFrame({"x": [float(table["x"].iloc[i])], "cdf": [float(cdf[i])], "ecdf": [float(end)]})


def ecdf_chart(table: pd.DataFrame, ks: float, x_title: str = "x") -> Layered:
    """The data's empirical CDF F_n (a step line) against the fitted mixture's F (a line),
    with the Kolmogorov-Smirnov distance ``ks`` (``goodness.ks_distance``) in the title and
    marked where it is reached (``ks_segment``); ``table`` is ``goodness.ecdf_table``."""
    names = ["data: F_n(x)", "fit: F(x)"]
    colour = alt.Color(
        "curve:N",
        scale=alt.Scale(domain=names, range=[DATA_COLOUR, FIT_COLOUR]),
        title=None,
        legend=alt.Legend(orient="top", labelFontSize=13),
    )
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False), axis=axis())
    y = alt.Y("ecdf:Q", title="cumulative probability", scale=alt.Scale(domain=[0, 1]), axis=axis())
    base = alt.Chart(table[["x", "ecdf", "cdf"]])
    tooltip = [
        alt.Tooltip("x:Q", format=".4g"),
        alt.Tooltip("ecdf:Q", format=".3f"),
        alt.Tooltip("cdf:Q", format=".3f"),
    ]
    # the ECDF holds its value from one point to the next: a step after each point
    data = (
        base.transform_calculate(curve=f"'{names[0]}'")
        .mark_line(interpolate="step-after", strokeWidth=2)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    fit = (
        base.transform_calculate(curve=f"'{names[1]}'")
        .mark_line(strokeWidth=2)
        .encode(x=x, y=alt.Y("cdf:Q"), color=colour, tooltip=tooltip)
    )
    widest = alt.Chart(ks_segment(table).assign(text=f"D = {ks:.3g}"))
    segment = widest.mark_rule(color=MIXTURE_COLOUR, strokeWidth=3).encode(
        x="x:Q", y="cdf:Q", y2="ecdf:Q", tooltip=[alt.Tooltip("x:Q", format=".4g", title="widest gap at x")]
    )
    label = widest.mark_text(align="left", dx=8, fontSize=13, fontWeight="bold", color=MIXTURE_COLOUR).encode(
        x="x:Q", y="cdf:Q", text="text:N"
    )
    heading = _heading(
        f"Data against fit, cumulative: KS distance D = {ks:.3g}",
        subtitle="D = sup_x |F_n(x) - F(x)|, marked; F(x) = Σ_i w_i Φ((x - μ_i) / σ_i)",
    )
    return alt.layer(data, fit, segment, label).properties(
        title=heading, height=FINAL_HEIGHT, width="container"
    )


def qq_chart(table: pd.DataFrame, x_title: str = "x") -> Layered:
    """The sorted data against the fitted mixture's quantiles at their plotting positions
    (``goodness.qq_table``), with the identity line: on it, the fit describes the data."""
    lo, hi = plotdata.x_domain(table[["theoretical", "sample"]].to_numpy().ravel())
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    points = (
        alt.Chart(table[["position", "theoretical", "sample"]])
        .mark_circle(size=22, opacity=0.7, color=DATA_COLOUR, clip=True)
        .encode(
            x=alt.X("theoretical:Q", title=f"quantile of the fit, {x_title}", scale=scale, axis=axis()),
            y=alt.Y("sample:Q", title=f"data, {x_title} (sorted)", scale=scale, axis=axis()),
            tooltip=[
                alt.Tooltip("position:Q", format=".3f", title="plotting position p"),
                alt.Tooltip("theoretical:Q", format=".4g", title="quantile of the fit"),
                alt.Tooltip("sample:Q", format=".4g", title="data"),
            ],
        )
    )
    identity = (
        alt.Chart(pd.DataFrame({"theoretical": [lo, hi], "sample": [lo, hi]}))
        .mark_line(color=FIT_COLOUR, strokeWidth=2, strokeDash=[6, 4])
        .encode(x="theoretical:Q", y="sample:Q")
    )
    heading = _heading(
        "Quantile-quantile plot against the fit",
        subtitle="the n-th smallest x_n against F⁻¹((n - ½) / N) of the fit; dashed: equal",
    )
    return alt.layer(identity, points).properties(title=heading, height=FINAL_HEIGHT, width="container")


def _at_best(finals: ArrayLike, rtol: float = BEST_RTOL) -> np.ndarray:
    """Whether each final log L is within ``rtol`` (relative) of the largest."""
    values = np.asarray(finals, dtype=np.float64)
    best = np.nanmax(values)
    # "<=" and not "<": the best itself counts, even at log L = 0
    return np.asarray((best - values) <= rtol * abs(best))


def count_at_best(final_log_likelihoods: ArrayLike, rtol: float = BEST_RTOL) -> int:
    """How many starts ended within ``rtol`` (relative) of the best final log L
    (``fit_starts(...).attrs["final_log_likelihoods"]``, or ``start_summary``'s column)."""
    return int(np.sum(_at_best(final_log_likelihoods, rtol)))


def start_summary(history: pd.DataFrame, rtol: float = BEST_RTOL) -> pd.DataFrame:
    """One row per start of ``fit_starts``'s ``history``, ``SUMMARY_COLUMNS``: its number
    from 1 (``START_OFFSET``), final log L and iterations (from the table), stop reason
    (``attrs["stop_reasons"]``; "unknown" without it), ``reached_best``, within
    ``rtol`` of the best final log L, and ``hc``: the start is ``attrs["hc_start"]``."""
    last = history.groupby("start", sort=True).agg(
        final_log_likelihood=("log_likelihood", "last"), n_iter=("iteration", "max")
    )
    reasons = history.attrs.get("stop_reasons")
    starts = last.index.to_numpy()
    return pd.DataFrame(
        {
            "start": starts + START_OFFSET,
            "final_log_likelihood": last["final_log_likelihood"].to_numpy(dtype=np.float64),
            "n_iter": last["n_iter"].to_numpy(),
            "stop_reason": [str(reasons[i]) if reasons is not None else "unknown" for i in starts],
            "reached_best": _at_best(last["final_log_likelihood"], rtol),
            "hc": starts == history.attrs.get("hc_start", -1),
        }
    )


def start_history(history: pd.DataFrame, number: int) -> pd.DataFrame:
    """The history of start ``number`` (from 1, as ``start_summary``) of ``fit_starts``'s
    ``history``, without its ``start`` column: a table like ``fit_em``'s (for
    ``history.iteration_table``, ``history.model_at``)."""
    rows = history[history["start"].to_numpy() == number - START_OFFSET]
    if rows.empty:
        first = int(history["start"].min()) + START_OFFSET
        raise ValueError(
            f"number: expected a start from {first} to {first + history['start'].nunique() - 1}, got {number}."
        )
    one = rows.drop(columns="start").reset_index(drop=True)
    one.attrs = start_attrs(history.attrs, number - START_OFFSET)
    return one


#: ``fit_starts``' per-start attrs, and the ``fit_em`` attr each becomes for one start.
PER_START = {"stop_reasons": "stop_reason", "n_iters": "n_iter", "last_gains": "last_gain"}


def start_attrs(attrs: dict, index: int) -> dict:
    """``fit_em``'s attrs for start ``index`` (from 0) of ``fit_starts``' ``attrs``: its
    stop reason, iterations and last gain, as if it had been the only start."""
    skip = (*PER_START, "best_start", "final_log_likelihoods", "hc_start")
    one = {k: v for k, v in attrs.items() if k not in skip}
    if index == attrs.get("hc_start"):
        one["init"] = "hc"
    for many, single in PER_START.items():
        if many in attrs:
            one[single] = attrs[many][index]
    reason = one.get("stop_reason")
    one.update(
        converged=reason == "converged",
        decreased=reason == "decreased",
        n_init=1,
        start_log_likelihoods=[attrs["final_log_likelihoods"][index]]
        if "final_log_likelihoods" in attrs
        else [],
    )
    return one


def starts_chart(finals: pd.DataFrame, best_ll: float | None = None, selected: int | None = None) -> Layered:
    """Each start's final -log L (x), a row per start (numbered from 1): the starts that
    reached the best in one colour, the others (local optima, or stopped early) in
    another, mclust's hc start (``finals["hc"]``, when there is one) a labelled diamond,
    the ``selected`` start ringed, a rule at the best -log L.

    Parameters
    ----------
    finals : pandas.DataFrame
        ``start_summary``.
    best_ll : float, optional
        The best final log L (``max`` of the starts'), for the rule; by default the
        largest in ``finals``.
    selected : int, optional
        A start number (from 1) to ring: the one whose fit the page shows.
    """
    best = float(finals["final_log_likelihood"].max()) if best_ll is None else float(best_ll)
    names = ["reached the best log L", "ended lower"]
    table = finals.assign(
        neg_log_likelihood=-finals["final_log_likelihood"],
        outcome=np.where(finals["reached_best"], names[0], names[1]),
    )
    hc = table["hc"].to_numpy(dtype=bool) if "hc" in table else np.zeros(len(table), dtype=bool)
    lo, hi = plotdata.x_domain(np.append(table["neg_log_likelihood"].to_numpy(), -best))
    x = alt.X(
        "neg_log_likelihood:Q",
        title="final -log L (lower is better)",
        scale=alt.Scale(domain=[lo, hi], nice=False, zero=False),
        axis=axis(format=",.6~g"),
    )
    # start 1 at the top, whole numbers only; a few pixels of room at both ends
    n = int(table["start"].max())
    y = alt.Y(
        "start:Q",
        title="start",
        scale=alt.Scale(domain=[0.5, n + 0.5], reverse=True, nice=False, zero=False),
        # every start labelled while they fit, one per 22 px row
        axis=axis(
            format="d", tickMinStep=1, grid=False, **({"values": list(range(1, n + 1))} if n <= 20 else {})
        ),
    )
    colour = alt.Color(
        "outcome:N",
        scale=alt.Scale(domain=names, range=[TRUE_COLOUR, FIT_COLOUR]),
        title=None,
        legend=alt.Legend(orient="top", labelFontSize=13),
    )
    tooltip = [
        alt.Tooltip("start:Q", title="start"),
        alt.Tooltip("neg_log_likelihood:Q", title="final -log L", format=",.6f"),
        alt.Tooltip("stop_reason:N", title="stop reason"),
        alt.Tooltip("n_iter:Q", title="iterations"),
    ]
    dots = (
        alt.Chart(table[~hc])
        .mark_circle(size=90, opacity=0.9)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    rule = alt.Chart(pd.DataFrame({"neg_log_likelihood": [-best]})).mark_rule(color="#888", strokeDash=[4, 4])
    layers = [rule.encode(x="neg_log_likelihood:Q"), dots]
    if hc.any():  # a diamond, named beside it (on the side with room)
        mclust = alt.Chart(table[hc].assign(name=HC_NAME))
        right = float(table.loc[hc, "neg_log_likelihood"].iloc[0]) > (lo + hi) / 2
        layers += [
            mclust.mark_point(shape="diamond", size=220, filled=True, opacity=0.95).encode(
                x=x, y=y, color=colour, tooltip=tooltip
            ),
            mclust.mark_text(align="right" if right else "left", dx=-14 if right else 14, fontSize=13).encode(
                x=x, y=y, text="name:N"
            ),
        ]
    if selected is not None:
        ring = alt.Chart(table[table["start"] == selected]).mark_point(
            size=320, color=MIXTURE_COLOUR, strokeWidth=2.5, filled=False
        )
        layers.append(ring.encode(x=x, y=y))
    reached = int(table["reached_best"].sum())
    who = f"EM's {int((~hc).sum())} starts" + (" and mclust's hc start" if hc.any() else "")
    heading = _heading(
        f"Where {who} ended: {reached} reached the best log L",
        subtitle=f"each start's final -log L; the best: within a relative {BEST_RTOL:g} of the largest log L; "
        "starts numbered from 1" + ("; the diamond: mclust's deterministic start" if hc.any() else ""),
    )
    height = max(160, min(FINAL_HEIGHT, 22 * n))
    return alt.layer(*layers).properties(title=heading, height=height, width="container")
