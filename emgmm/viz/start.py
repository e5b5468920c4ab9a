"""The chart a person places a start on: the data's histogram, the start's weighted
components over it, and a click anywhere in the plot that picks the nearest bin."""

from __future__ import annotations

import altair as alt

from ..model import GMM
from . import charts, plotdata, screens
from .style import DASH, TOP_HEIGHT, Layered, colour_scale, component_legend, label_expr

#: The selection a click makes: the page reads ``event.selection[PLACE]``.
PLACE = "place"


def placing_chart(view: screens.DataView, start: GMM, y_max: float) -> Layered:
    """The histogram of ``view`` with ``start``'s weighted components over it (the start
    EM will run from), and a point selection named ``PLACE``: a click selects the bin
    nearest to it, whose centre is ``x`` (so a placed mean is within half a bin of the click)."""
    centres = view.hist.assign(x=(view.hist["start"] + view.hist["end"]) / 2)[["x"]]
    pick = alt.selection_point(name=PLACE, on="click", nearest=True, fields=["x"], empty=False, clear=False)
    # the targets sit on one horizontal line, so "nearest" is nearest in x: a click
    # anywhere above a bin picks that bin
    targets = (
        alt.Chart(centres)
        .mark_point(opacity=0, size=1)
        .encode(x=alt.X("x:Q", scale=alt.Scale(domain=list(view.domain))), y=alt.value(TOP_HEIGHT / 3))
        .add_params(pick)
    )
    base = charts.curves_base(alt.Data(values=plotdata.params_table(start).to_dict("records")), view.domain)
    colour = alt.Color(
        "label:N", scale=colour_scale(start.n_components), title=None, legend=component_legend()
    )
    curves = (
        base.transform_calculate(label=label_expr("component"))
        .mark_line(clip=True, strokeWidth=2)
        .encode(x=charts._x(view.domain, labelled=False), y=charts._y(y_max), color=colour)
    )
    mixture = (  # as a frame draws it: the sum of the weighted components, dashed
        base.transform_aggregate(density="sum(density)", groupby=["x"])
        .transform_calculate(label="'mixture'")
        .mark_line(clip=True, strokeWidth=2.5, strokeDash=DASH)
        .encode(x=charts._x(view.domain, labelled=False), y=charts._y(y_max), color=colour)
    )
    title = alt.TitleParams(
        "Your start: click the data to place the means in turn (C1, C2, ...), or edit the table",
        fontSize=14,
    )
    return alt.layer(
        charts.histogram_layer(view.hist, view.domain, y_max), curves, mixture, targets
    ).properties(title=title, height=TOP_HEIGHT, width="container")
