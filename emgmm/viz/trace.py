"""Charts of a fit's course and of model choice: -log-likelihood by iteration, BIC, AIC
and ICL by K. Pure functions from the engine's tables to Altair charts."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..degeneracy import MIN_EFFECTIVE_POINTS
from .style import DASH, FINAL_HEIGHT, FIT_COLOUR, SOLID, TRUE_COLOUR, Layered, axis
from .teaching import CURRENT


def loglik_chart(iterations: pd.DataFrame, current: int | None = None, named: bool = False) -> Layered:
    """-log-likelihood against iteration (``history.iteration_table``), with a rule at
    the ``current`` iteration: in the named dataset ``teaching.CURRENT`` when ``named``
    (for a playback to swap, as the parameters' paths do)."""
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
        rows = pd.DataFrame({"iteration": [current]})
        rule = (
            alt.Chart(alt.NamedData(CURRENT) if named else rows)
            .mark_rule(color=FIT_COLOUR, strokeDash=DASH)
            .encode(x="iteration:Q")
        )
        layers.append(rule)
    chart = alt.layer(*layers).properties(
        title="-Log-likelihood by iteration", height=FINAL_HEIGHT, width="container"
    )
    return chart.properties(datasets={CURRENT: rows.to_dict("records")}) if named else chart


#: ICL beside BIC and AIC: Okabe-Ito's bluish green, dotted (colour and line style differ).
ICL_COLOUR, DOTTED = "#009E73", [2, 3]
#: The criteria ``selection_chart`` draws when the table has them, with their colours and dashes.
CRITERIA = {"bic": (TRUE_COLOUR, SOLID), "aic": (FIT_COLOUR, DASH), "icl": (ICL_COLOUR, DOTTED)}
#: How a K's point is drawn: a dot, or a cross when its fit holds a degenerate component.
SOUND = "no degenerate component"
DEGENERATE = f"degenerate: a component on fewer than {MIN_EFFECTIVE_POINTS:g} points or at the sd floor"


def selection_chart(table: pd.DataFrame, best_k: int, criterion: str = "bic") -> Layered:
    """BIC, AIC and, when the table has it, ICL against K (``selection.select_k``), the best
    K by ``criterion`` marked. When the table has ``degenerate``, the points of a K whose fit holds a
    degenerate component (``degeneracy.component_health``) are crosses, not dots."""
    shown = [c for c in CRITERIA if c in table.columns]
    names = [c.upper() for c in shown]
    flagged = "degenerate" in table.columns
    long = table.melt(
        id_vars=["k", "degenerate"] if flagged else "k",
        value_vars=shown,
        var_name="criterion",
        value_name="value",
    )
    long["criterion"] = long["criterion"].str.upper()
    tooltip: list[str | alt.Tooltip] = ["k:O", "criterion:N", alt.Tooltip("value:Q", format=",.2f")]
    if flagged:
        long["fit"] = np.where(long.pop("degenerate").to_numpy(dtype=bool), DEGENERATE, SOUND)
        tooltip.append(alt.Tooltip("fit:N", title="fit"))
    base = alt.Chart(long).encode(
        x=alt.X("k:O", title="number of components K", axis=axis(labelAngle=0)),
        y=alt.Y("value:Q", title="criterion (lower is better)", scale=alt.Scale(zero=False), axis=axis()),
        color=alt.Color(
            "criterion:N",
            scale=alt.Scale(domain=names, range=[CRITERIA[c][0] for c in shown]),
            title=None,
        ),
        tooltip=tooltip,
    )
    dashes = alt.StrokeDash(
        "criterion:N", scale=alt.Scale(domain=names, range=[CRITERIA[c][1] for c in shown]), title=None
    )
    rule = (
        alt.Chart(pd.DataFrame({"k": [best_k]}))
        .mark_rule(color="#888", strokeWidth=10, opacity=0.25)
        .encode(x="k:O")
    )
    listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    title = f"{listed} by K (best by {criterion.upper()}: K = {best_k})"
    if not flagged:
        lines = base.mark_line(point=True).encode(strokeDash=dashes)
        return alt.layer(rule, lines).properties(title=title, height=260, width="container")
    # the points on their own layer, so that their shape can say which K are degenerate
    shape = alt.Shape(
        "fit:N",
        scale=alt.Scale(domain=[SOUND, DEGENERATE], range=["circle", "cross"]),
        title=None,
        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0, labelFontSize=12),
    )
    lines = base.mark_line().encode(strokeDash=dashes)
    # the criteria's legend is the lines' (their dashes); the points' shapes have their own
    points = base.mark_point(filled=True, size=80, opacity=1).encode(
        shape=shape, color=alt.Color("criterion:N", legend=None)
    )
    layered = alt.layer(rule, lines, points).resolve_legend(color="independent", strokeDash="independent")
    return layered.properties(title=title, height=260, width="container")
