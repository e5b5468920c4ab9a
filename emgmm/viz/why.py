"""Charts and tables that teach why EM works, from the engine's ``why``, ``bound`` and
``hard``: one point worked out, the bound EM climbs, hard EM against soft EM.

Pure builders: values in, Altair charts or small tables of text out (what ``st.dataframe``
or ``st.table`` shows as it is). Numbers are in the digits the page shows (``why.shown``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from ..bound import Bound
from ..hard import HardSoft
from ..history import iteration_table
from ..model import GMM
from ..why import shown, shown_count
from .style import DASH, FIT_COLOUR, MIXTURE_COLOUR, PALETTE, Layered, axis, component_label

#: What ``bound_chart``'s lines are, said beside it.
BOUND_KEY = (
    "Black: log L along one mean, the others at iteration t's values; dashed: EM's lower bound, "
    "touching log L at mu_t (grey) and peaking where the M-step moves it (orange)."
)
#: The curves of ``bound_chart``, in legend order.
CURVES = ("log-likelihood", "EM's lower bound")
#: The fits of ``hard_soft_chart``, in legend order.
FITS = ("EM (soft)", "hard EM")
#: x values of ``hard_soft_chart``'s curves: smooth at a chart's width.
FIT_GRID = 300


#: Named datasets of ``bound_chart``: a frame swaps them into a template (``bound_spec``).
BOUND_CURVES, BOUND_MARKS, BOUND_NOTE = "bound_curves", "bound_marks", "bound_note"
GREY = "#888888"


def bound_records(bound: Bound) -> list[dict[str, Any]]:
    """The dataset ``BOUND_CURVES``: per mean and curve (``CURVES``) the ``gain``, the value
    relative to log L(theta_t) (the touching point is 0, and a million points' log-likelihood,
    of order -1e6, does not drown the curvature in digits), and the curve's ``colour``."""
    c = bound.component
    colours = (MIXTURE_COLOUR, PALETTE[(c - 1) % len(PALETTE)])
    means = bound.curves["mean"].tolist()
    records = []
    for name, colour, column in zip(CURVES, colours, ("log_likelihood", "bound"), strict=True):
        gains = (bound.curves[column].to_numpy() - bound.log_likelihood).tolist()
        records += [
            {"mean": m, "curve": name, "gain": g, "colour": colour} for m, g in zip(means, gains, strict=True)
        ]
    return records


def bound_datasets(bound: Bound) -> dict[str, list[dict[str, Any]]]:
    """What a frame's ``bound_chart`` holds: the curves, the two marked means (mu_t, grey;
    the M-step's, orange; their labels lean away from each other on ``side``) and, when the
    log-likelihood read a subsample, a note saying so."""
    c = bound.component
    right = bound.update >= bound.current
    marks = [
        {"mean": bound.current, "what": f"mu_{c} now = {shown(bound.current)}", "colour": GREY,
         "side": "left" if right else "right"},
        {"mean": bound.update, "what": f"M-step: mu_{c} = {shown(bound.update)}", "colour": FIT_COLOUR,
         "side": "right" if right else "left"},
    ]  # fmt: skip
    note = (
        [] if bound.exact else [{"text": f"log L's gap above the bound from {bound.n_used:,} of the points"}]
    )
    return {BOUND_CURVES: bound_records(bound), BOUND_MARKS: marks, BOUND_NOTE: note}


def _bound_layers(width: int | str, height: int) -> Layered:
    """``bound_chart`` without its datasets."""
    x = alt.X(
        "mean:Q", title="the mean that moves (mu_i)", scale=alt.Scale(zero=False, nice=False), axis=axis()
    )
    colour = alt.Color("colour:N", scale=None)  # colours are data: one template for any component
    tooltip = [
        alt.Tooltip("curve:N"),
        alt.Tooltip("mean:Q", format=".4g"),
        alt.Tooltip("gain:Q", format=".4g", title="log L - log L(theta_t)"),
    ]
    curves = alt.Chart(alt.NamedData(BOUND_CURVES)).encode(
        x=x,
        y=alt.Y("gain:Q", title="log L - log L(theta_t)", scale=alt.Scale(zero=False), axis=axis()),
        color=colour,
        tooltip=tooltip,
    )
    log_likelihood = curves.transform_filter(f"datum.curve == {json.dumps(CURVES[0])}").mark_line(
        strokeWidth=2, clip=True
    )
    bound = curves.transform_filter(f"datum.curve == {json.dumps(CURVES[1])}").mark_line(
        strokeWidth=2, strokeDash=DASH, clip=True
    )
    marks = alt.Chart(alt.NamedData(BOUND_MARKS))
    rules = marks.mark_rule(strokeWidth=1.5).encode(x="mean:Q", color=colour)
    # the labels lean away from each other (left-aligned right of its rule), never overlapping,
    # at the foot of the plot as drawn (Streamlit fits it to its box): the curves peak near
    # the rules, at the top
    words = [
        marks.transform_filter(f"datum.side == '{side}'")
        .mark_text(baseline="bottom", dy=-4, dx=4 if side == "right" else -4, fontSize=11,
                   align="left" if side == "right" else "right", y=alt.expr("height"))
        .encode(x="mean:Q", text="what:N", color=colour)
        for side in ("left", "right")
    ]  # fmt: skip
    note = (
        alt.Chart(alt.NamedData(BOUND_NOTE))
        .mark_text(align="left", baseline="top", fontSize=10, color=GREY)
        .encode(x=alt.value(4), y=alt.value(4), text="text:N")
    )
    # the key is the page's caption (BOUND_KEY), not a Vega title: Streamlit cut a
    # two-line title's top off at 1280x720 and on a phone
    return alt.layer(log_likelihood, bound, rules, *words, note).properties(width=width, height=height)


def bound_chart(bound: Bound, width: int | str = "container", height: int = 220) -> Layered:
    """The log-likelihood and EM's lower bound along one mean, the rest at the frame's values:
    the bound (dashed, in the component's colour) touches the log-likelihood (black) at the
    frame's mean mu_t (grey rule) and peaks where the M-step moves it (orange rule).

    Parameters
    ----------
    bound : bound.Bound
        ``bound.bound_curves`` of the frame.
    width, height
        Pixels (or "container" for the width).

    What changes from frame to frame is in named datasets (``bound_datasets``): a playback
    makes a frame's spec with ``bound_spec``, without Altair.
    """
    return _bound_layers(width, height).properties(datasets=bound_datasets(bound))


@lru_cache(maxsize=8)
def template(width: int | str, height: int) -> str:
    """``bound_chart``'s spec without its datasets, as JSON (made once per size): what a frame
    fills with ``bound_datasets``, here or in the browser's player."""
    return json.dumps(_bound_layers(width, height).to_dict())


def bound_spec(bound: Bound, width: int | str = "container", height: int = 220) -> dict[str, Any]:
    """``bound_chart(bound, width, height).to_dict()``, from a template built once: a frame
    costs its datasets (``bound_datasets``), not Altair's build and validation."""
    spec: dict[str, Any] = json.loads(template(width, height))
    spec["datasets"] = bound_datasets(bound)
    return spec


def point_display(worked: pd.DataFrame, share: pd.DataFrame | None = None) -> pd.DataFrame:
    """One point worked out, as text in the page's digits: per component w_i,
    N(x | mu_i, sd_i), their product, r_i(x) = product / sum, and with ``share``
    (``why.point_share``) N_i and the point's contribution r_i x / N_i to the new mean;
    a last row holds the sum of the products (the mixture density p(x)).

    ``worked`` is ``why.worked_point``; both tables are of the same point and frame.
    """
    rows = {
        "component": [component_label(c) for c in worked["component"]] + ["sum"],
        "w_i": [shown(v) for v in worked["weight"]] + [""],
        "N(x | mu_i, sd_i)": [shown(v) for v in worked["density"]] + [""],
        "w_i N(x | mu_i, sd_i)": [shown(v) for v in worked["product"]] + [shown(worked["sum"].iat[0])],
        "r_i(x)": [shown(v) for v in worked["responsibility"]] + [shown(worked["responsibility"].sum())],
    }
    if share is not None:
        rows["N_i"] = [shown_count(v) for v in share["mass"]] + [""]
        rows["r_i x / N_i"] = [shown(v) for v in share["contribution"]] + [""]
        rows["new mu_i"] = [shown(v) for v in share["new_mean"]] + [""]
    return pd.DataFrame(rows)


def hard_soft_sentence(comparison: HardSoft) -> str:
    """What a person reads under the two fits: whether hard EM ended elsewhere, and how."""
    lls = (
        f"log-likelihood {comparison.log_likelihood:,.2f} with EM, "
        f"{comparison.hard_log_likelihood:,.2f} with hard EM"
    )
    if not comparison.differ:
        return (
            f"Hard and soft EM end at the same fit here ({lls}): the components barely overlap, so "
            "almost every point belongs wholly to one of them anyway."
        )
    spread = (
        f"the means lie {shown(comparison.hard_mean_spread)} apart instead of {shown(comparison.mean_spread)}"
        if comparison.table.shape[0] > 1
        else "the mean moved"
    )
    change = round(100 * (1 - comparison.sd_ratio))
    sds = f"the sds are {abs(change)} % {'smaller' if change >= 0 else 'larger'}"
    typical = comparison.hard_mean_spread > comparison.mean_spread and comparison.sd_ratio < 1
    why = (
        " Giving each point wholly to its most responsible component cuts every component's "
        "tail at the boundary where the components overlap: each keeps only its own side, so "
        "the means are biased apart and the sds shrink. Soft EM shares those points and keeps the tails."
        if typical
        else " Each point counts wholly for one component, so the fits differ where components overlap."
    )
    return f"Hard EM ends elsewhere: {spread}, and {sds} ({lls}).{why}"


def hard_soft_records(
    soft: GMM, hard: GMM, domain: tuple[float, float], n_grid: int = FIT_GRID
) -> pd.DataFrame:
    """The two mixtures' densities on a grid over ``domain``: ``x``, ``fit`` (``FITS``), ``density``."""
    xs = np.linspace(domain[0], domain[1], n_grid)
    return pd.DataFrame(
        {
            "x": np.tile(xs, 2),
            "fit": np.repeat(FITS, n_grid),
            "density": np.concatenate([soft.pdf(xs), hard.pdf(xs)]),
        }
    )


def hard_soft_chart(
    histogram: pd.DataFrame,
    soft: GMM,
    hard: GMM,
    domain: tuple[float, float],
    x_title: str = "x",
    width: int | str = "container",
    height: int = 220,
) -> Layered:
    """The final fits of EM (solid) and hard EM (dashed) over the data's histogram
    (``plotdata.histogram_table``), on the x axis of the page's other charts (``domain``)."""
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(domain=list(domain), nice=False, zero=False), axis=axis())
    bars = (
        alt.Chart(histogram)
        .mark_rect(color="#DDDDDD")
        .encode(
            x=alt.X("start:Q", title=x_title, scale=alt.Scale(domain=list(domain), nice=False, zero=False)),
            x2="end:Q",
            y=alt.Y("density:Q", title="density", axis=axis()),
            y2=alt.datum(0),
        )
    )
    curves = (
        alt.Chart(hard_soft_records(soft, hard, domain))
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=x,
            y="density:Q",
            color=alt.Color(
                "fit:N",
                scale=alt.Scale(domain=list(FITS), range=[MIXTURE_COLOUR, FIT_COLOUR]),
                legend=alt.Legend(orient="top-right", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "fit:N", scale=alt.Scale(domain=list(FITS), range=[[1, 0], DASH]), legend=None
            ),
        )
    )
    return alt.layer(bars, curves).properties(width=width, height=height)


def hard_soft_loglik_records(soft: pd.DataFrame, hard: pd.DataFrame) -> pd.DataFrame:
    """Each fit's log-likelihood per iteration (``history.iteration_table``): ``iteration``,
    ``fit`` (``FITS``) and ``log_likelihood``."""
    tables = []
    for name, history in zip(FITS, (soft, hard), strict=True):
        table = iteration_table(history)[["iteration", "log_likelihood"]]
        tables.append(table.assign(fit=name))
    return pd.concat(tables, ignore_index=True)


def hard_soft_loglik_chart(
    soft: pd.DataFrame, hard: pd.DataFrame, width: int | str = "container", height: int = 160
) -> Layered:
    """Log-likelihood against iteration for EM (solid) and hard EM (dashed), from the same
    start: EM's never falls; hard EM climbs its classification likelihood instead, and
    the mixture's log-likelihood it ends at is lower where components overlap."""
    records = hard_soft_loglik_records(soft, hard)
    lines = (
        alt.Chart(records)
        .mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=12))
        .encode(
            x=alt.X("iteration:Q", title="iteration", axis=axis(format="d", tickMinStep=1)),
            y=alt.Y("log_likelihood:Q", title="log L", scale=alt.Scale(zero=False), axis=axis()),
            color=alt.Color(
                "fit:N",
                scale=alt.Scale(domain=list(FITS), range=[MIXTURE_COLOUR, FIT_COLOUR]),
                legend=alt.Legend(orient="bottom-right", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "fit:N", scale=alt.Scale(domain=list(FITS), range=[[1, 0], DASH]), legend=None
            ),
            tooltip=[
                alt.Tooltip("fit:N"),
                alt.Tooltip("iteration:Q"),
                alt.Tooltip("log_likelihood:Q", format=",.2f"),
            ],
        )
    )
    return alt.layer(lines).properties(width=width, height=height)
