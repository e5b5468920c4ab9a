"""The charts' look in one place: colours, sizes, axis style, component labels."""

from __future__ import annotations

from typing import Any, TypeAlias

import altair as alt

from ..noise import NOISE_COMPONENT, NOISE_LABEL

#: A layered chart: Altair's typing says ``LayerChart.properties`` may return a facet chart.
Layered: TypeAlias = "alt.LayerChart | alt.FacetChart"

#: Paul Tol's "muted" scheme (colour-blind safe) plus a dark grey: one colour a component.
#: C1 is the rose, not the indigo, so that it stands apart from the black dashed mixture.
PALETTE = (
    "#CC6677",
    "#117733",
    "#88CCEE",
    "#AA4499",
    "#DDCC77",
    "#44AA99",
    "#332288",
    "#999933",
    "#882255",
    "#555555",
)
MIXTURE_COLOUR = "#222222"
#: The noise component (``fit_em(..., noise=True)``): a neutral grey, lighter than C10's,
#: for points no Gaussian claims.
NOISE_COLOUR = "#A6A6B0"
#: True and fitted models differ by line style as well as colour (Okabe-Ito blue, vermillion).
TRUE_COLOUR, FIT_COLOUR = "#0072B2", "#D55E00"
DASH, SOLID = [6, 4], [1, 0]
HEADING_SIZE = 16
#: Heights (px) sized for a 1280x720 projector: a frame's chart, strip and the playback's
#: controls fit on one screen under the page's title, and so do the final view's two charts.
TOP_HEIGHT, BOTTOM_HEIGHT, FINAL_HEIGHT = 200, 130, 330
#: The responsibilities panel under a frame's density chart: short, so that the frame,
#: the panel, the strip and the controls fit a 1280x720 screen together.
PANEL_HEIGHT = 70
#: Axis text large and dark enough to read when projected.
AXIS_STYLE: dict[str, Any] = {
    "labelFontSize": 12,
    "titleFontSize": 13,
    "labelColor": "#2E2E3A",
    "titleColor": "#2E2E3A",
}


def axis(**options: Any) -> alt.Axis:
    """An axis in the house style (``AXIS_STYLE``), with ``options`` on top."""
    return alt.Axis(**{**AXIS_STYLE, **options})


#: Components are labelled C1, C2, ... (``component_numbers``) in legends and titles.
COMPONENT_PREFIX = "C"


def component_label(i: int) -> str:
    """Legend label of the component numbered ``i``: "noise" for the noise (number 0)."""
    return NOISE_LABEL if i == NOISE_COMPONENT else f"{COMPONENT_PREFIX}{i}"


def label_expr(field: str) -> str:
    """The Vega expression of ``component_label`` for a component number in ``field``."""
    return f"datum.{field} == {NOISE_COMPONENT} ? '{NOISE_LABEL}' : '{COMPONENT_PREFIX}' + datum.{field}"


#: Width (px) of one component's legend entry ("C10" and its symbol, with the gap).
LEGEND_ENTRY_PX = 60


def component_legend() -> alt.Legend:
    """The components' legend, in rows inside the chart's top right corner (where the
    density axis keeps headroom), on a translucent ground: it costs the frame no height,
    so a 1280x720 screen holds the frame, the responsibilities and the strip, and the
    plot keeps the width of the charts under it (their x axes line up). It wraps to the
    chart's width, so on a phone it never runs off the screen."""
    return alt.Legend(
        orient="top-right",
        direction="horizontal",
        columns=alt.ExprRef(f"max(1, floor(width / {LEGEND_ENTRY_PX}))"),
        fillColor="#FFFFFFD9",
        padding=4,
        labelFontSize=12,
    )


def colour_scale(n_components: int, noise: bool = False) -> alt.Scale:
    """The same colour for the same component in every chart; the mixture in black; with
    ``noise``, the noise component first, in grey (``n_components`` counts the Gaussians)."""
    labels = [component_label(i) for i in range(1, n_components + 1)]
    colours = [PALETTE[(i - 1) % len(PALETTE)] for i in range(1, n_components + 1)]
    if noise:
        labels, colours = [NOISE_LABEL, *labels], [NOISE_COLOUR, *colours]
    return alt.Scale(domain=[*labels, "mixture"], range=[*colours, MIXTURE_COLOUR])


def component_number_scale(n_components: int, noise: bool = False) -> alt.Scale:
    """``colour_scale``'s colours by component number as text ("1", "2", ...: the strip's
    values, ``component_numbers``; "0" the noise): no per-point label for the browser to compute."""
    first = NOISE_COMPONENT if noise else 1
    return alt.Scale(
        domain=[str(i) for i in range(first, n_components + 1)],
        range=colour_scale(n_components, noise).range[:-1],
    )


#: Charts of thousands of points are drawn on a canvas (Vega-Embed's options, which
#: Streamlit honours): replacing thousands of SVG elements on every frame costs the
#: browser more than the rest of the frame.
CANVAS = {"embedOptions": {"renderer": "canvas"}}


#: Every y axis takes this many pixels, so charts stacked in a column line up on x.
AXIS_WIDTH = 56
