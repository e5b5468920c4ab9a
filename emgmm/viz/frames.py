"""The playback's frames: what each shows, and the frame drawn while EM runs.

A frame is a ``teaching.HalfStep``: a whole iteration in the plain playback
(``iteration_steps``), or an E- or M-step when they are shown apart
(``teaching.half_steps``). Each draws the density chart (with the curves an M-step moved
from, faint), the responsibilities r_k(x) under it, the strip coloured by the most
responsible component or by uncertainty, and the parameters' paths with the frame's
iteration marked: the browser draws them (``player``); the server draws only the first,
live, while the fit runs (``live_frame``).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from ..history import iteration_table
from ..noise import NoisyMixture
from ..teaching import HalfStep
from . import screens
from . import teaching as views
from .shown import Shown, shown_responsibility_curves

#: How the strip colours its points.
COLOUR_BY = ("component", "uncertainty")

#: What the two charts under a frame's density show, said once under the frame: the
#: charts carry no title of their own, so that a 1280x720 screen holds the frame whole.
FRAME_CAPTION = {
    colour_by: "Under the density: the responsibilities r_i(x) = p(y = i | x), each component's share of a "
    "point at x (the E-step); then the points, "
    + (
        "each in the colour of its most responsible component."
        if colour_by == "component"
        else "coloured by how unsure the model is of their component, 1 - max_i r_ni: pale where one "
        "component takes a point, dark red where components share it."
    )
    for colour_by in COLOUR_BY
}


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """``chart.to_dict()`` without Altair's schema validation, a third of a frame set's
    build time on the server for every fit; the tests validate these specs instead."""
    return chart.to_dict(validate=False)


def untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` without its title (``FRAME_CAPTION`` says what the chart shows)."""
    return {k: v for k, v in spec.items() if k != "title"}


def iteration_steps(history: pd.DataFrame) -> tuple[HalfStep, ...]:
    """The frames of the plain playback: iteration i draws its parameters and the
    responsibilities they give, under ``screens.history_title``."""
    iterations = iteration_table(history)
    return tuple(
        HalfStep("iteration", i, i, i, None, f"Iteration {i}", screens.history_title(iterations, i))
        for i in range(len(iterations))
    )


def live_frame(
    view: screens.DataView, model: Shown, title: str, y_max: float, colour_by: str
) -> list[dict[str, Any]]:
    """The charts of a frame drawn while EM runs (no history yet): the layout of the
    playback's frames (``FrameSet.specs``' top, panel and strip), so nothing jumps when
    the playback takes over. A ``NoisyMixture`` draws its noise flat, as component 0."""
    top, strip = screens.frame_screen(view, model, title, y_max)
    curves = shown_responsibility_curves(model, *view.domain)
    panel = views.responsibility_chart(curves, view.domain, None)
    if colour_by == "uncertainty":
        drawn = model.n_components + isinstance(model, NoisyMixture)  # the noise shares points too
        strip = views.uncertainty_strip_chart(
            views.uncertainty_record(view, model), view.domain, drawn, view.x_title
        )
    return [
        spec_of(views.with_previous_curves(top, None, view.domain, y_max)),
        untitled(spec_of(panel)),
        untitled(spec_of(strip)),
    ]
