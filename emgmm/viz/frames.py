"""The playback's frames: every view a frame draws, built once per fit, filled per frame.

A frame is a ``teaching.HalfStep``: a whole iteration in the plain playback
(``iteration_steps``), or an E- or M-step when they are shown apart
(``teaching.half_steps``). Each draws the density chart (with the curves an M-step moved
from, faint), the responsibilities r_k(x) under it, the strip coloured by the most
responsible component or by uncertainty, and the parameters' paths with the frame's
iteration marked. Altair builds the specs once (``frame_set``); a frame only swaps their
named datasets (``FrameSet.specs``), as ``screens.frame_specs`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from ..history import iteration_table, model_at, models_by_iteration
from ..model import GMM
from ..teaching import RESPONSIBILITY_GRID, HalfStep, half_steps, parameter_paths, responsibility_curves
from . import charts, plotdata, screens
from . import teaching as views
from .style import Layered

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


#: The template of a playing frame's strip: the strip without its tooltip.
MOVING_STRIP = "moving_strip"


#: The strip's dataset of the parameters its points' responsibilities come from.
RESP_PARAMS = "resp_params"


def resp_params_records(model: GMM) -> list[dict[str, float]]:
    """``RESP_PARAMS``: one record, ``w1, m1, s1, w2, ...`` (and ``one``, the lookup key)."""
    record = {"one": 1.0}
    for i, (w, m, sd) in enumerate(zip(model.weights, model.means, model.sds, strict=True), start=1):
        record.update({f"w{i}": float(w), f"m{i}": float(m), f"s{i}": float(sd)})
    return [record]


def with_responsibility_tooltip(strip: alt.Chart, n_components: int, x_title: str) -> alt.Chart:
    """The strip with a tooltip on each point: its value and every component's
    responsibility for it, r_i(x), computed by Vega from the ``RESP_PARAMS`` record (in log
    space, the max subtracted: finite far from every component), so the frame carries K
    parameters, not n x K numbers. Evaluated for every point whenever the data change:
    still frames only (``FrameSet.specs``)."""
    k = range(1, n_components + 1)
    fields = [f"{p}{i}" for i in k for p in "wms"]
    logs = {
        f"l{i}": f"log(datum.w{i}) - log(datum.s{i}) - 0.5 * pow((toNumber(datum.x) - datum.m{i}) / datum.s{i}, 2)"
        for i in k
    }
    top = "max(" + ", ".join(f"datum.l{i}" for i in k) + ")" if n_components > 1 else "datum.l1"
    chart = (
        strip.transform_calculate(one="1")
        .transform_lookup(lookup="one", from_=alt.LookupData(alt.NamedData(RESP_PARAMS), "one", fields))
        .transform_calculate(**logs)
        .transform_calculate(top=top)
        .transform_calculate(total=" + ".join(f"exp(datum.l{i} - datum.top)" for i in k))
        .transform_calculate(**{f"r{i}": f"exp(datum.l{i} - datum.top) / datum.total" for i in k})
    )
    tooltip = [alt.Tooltip("x:Q", title=x_title, format=".4~g")]
    tooltip += [alt.Tooltip(f"r{i}:Q", title=f"r_{i}(x)", format=".2f") for i in k]
    return chart.encode(tooltip=tooltip)


def spec_of(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """``chart.to_dict()`` without Altair's schema validation, a third of a frame set's
    build time on the server for every fit; the tests validate these specs instead."""
    return chart.to_dict(validate=False)


def untitled(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` without its title (``FRAME_CAPTION`` says what the chart shows)."""
    return {k: v for k, v in spec.items() if k != "title"}


def _frame_models(frame: HalfStep, models: Sequence[GMM]) -> tuple[GMM, GMM, GMM | None]:
    faint = None if frame.faint_iteration is None else models[frame.faint_iteration]
    return models[frame.params_iteration], models[frame.resp_iteration], faint


def half_step_datasets(
    frame: HalfStep,
    history: pd.DataFrame,
    view: screens.DataView,
    n_grid: int = RESPONSIBILITY_GRID,
    models: Sequence[GMM] | None = None,
    colour_by: str = "uncertainty",
) -> dict[str, list[Any]]:
    """Every dataset a frame of "Show E- and M-steps" swaps (``charts.FRAME_DATASETS`` and
    ``FRAME_DATASETS``): the curves, heading and faint curves of ``frame``, the strip
    (coloured by ``colour_by``) and responsibilities under the parameters
    ``frame.resp_iteration``, and the current iteration of the parameter paths
    (``frame.params_iteration``). ``models`` is ``models_by_iteration(history)``, if made."""
    model, resp_model, faint = _frame_models(frame, models or models_by_iteration(history))
    strip = (
        views.uncertainty_record(view, resp_model) if colour_by == "uncertainty" else view.strip(resp_model)
    )
    return {
        "params": plotdata.params_records(model),
        "heading": [{"text": frame.title}],
        "strip": [strip],
        views.PREVIOUS: views.previous_records(faint),
        views.RESPONSIBILITIES: views.model_responsibility_records(resp_model, view.domain, n_grid),
        views.CURRENT: views.current_records(frame.params_iteration),
    }


def half_step_charts(
    frame: HalfStep,
    history: pd.DataFrame,
    view: screens.DataView,
    y_max: float,
    n_grid: int = RESPONSIBILITY_GRID,
) -> tuple[Layered, alt.Chart, alt.Chart]:
    """A frame of "Show E- and M-steps", built by Altair: the density chart with the faint
    previous curves, the responsibilities panel (its x axis bare) and the strip coloured by
    uncertainty. Build them once per fit; ``swap_datasets`` with ``half_step_datasets``
    makes every other frame's specs (a test checks they are the same)."""
    model, resp_model, faint = _frame_models(frame, models_by_iteration(history))
    top, _ = screens.frame_screen(view, model, frame.title, y_max)
    curves = responsibility_curves(resp_model, *view.domain, n_grid=n_grid)
    panel = views.responsibility_chart(curves, view.domain, None)
    record = views.uncertainty_record(view, resp_model)
    strip = views.uncertainty_strip_chart(record, view.domain, model.n_components, view.x_title)
    return views.with_previous_curves(top, faint, view.domain, y_max), panel, strip


def swap_datasets(spec: dict[str, Any], datasets: Mapping[str, list[Any]]) -> dict[str, Any]:
    """``spec`` (a chart's ``to_dict()``) with those of ``datasets`` it has replaced; a new
    dict, ``spec`` untouched."""
    own = spec.get("datasets", {})
    return {**spec, "datasets": {**own, **{name: rows for name, rows in datasets.items() if name in own}}}


def iteration_steps(history: pd.DataFrame) -> tuple[HalfStep, ...]:
    """The frames of the plain playback: iteration i draws its parameters and the
    responsibilities they give, under ``screens.history_title``."""
    iterations = iteration_table(history)
    return tuple(
        HalfStep("iteration", i, i, i, None, f"Iteration {i}", screens.history_title(iterations, i))
        for i in range(len(iterations))
    )


@dataclass(frozen=True, eq=False)
class FrameSet:
    """A fit's frames and the specs they fill: ``top`` (density), ``panel``
    (responsibilities), ``strip``, ``paths`` (parameters against iteration)."""

    history: pd.DataFrame
    view: screens.DataView
    steps: tuple[HalfStep, ...]
    colour_by: str
    templates: dict[str, dict[str, Any]]
    models: tuple[GMM, ...]

    def datasets(self, index: int, moving: bool = False) -> dict[str, list[Any]]:
        """The datasets frame ``index`` of ``steps`` swaps into the templates (``moving``:
        without the parameters only the still strip's tooltip reads)."""
        frame = self.steps[index]
        datasets = half_step_datasets(
            frame, self.history, self.view, models=self.models, colour_by=self.colour_by
        )
        if not moving:
            datasets[RESP_PARAMS] = resp_params_records(self.models[frame.resp_iteration])
        return datasets

    def specs(self, index: int, moving: bool = False) -> dict[str, dict[str, Any]]:
        """Every view's spec for frame ``index`` of ``steps``: ``top``, ``panel``,
        ``strip``, ``paths``. A ``moving`` frame (one of a playing playback) has the strip
        without its tooltip: evaluated for every point of every frame, the tooltip was
        most of what a frame cost the browser, and no one hovers a point that moves."""
        datasets = self.datasets(index, moving)
        names = {
            "top": "top",
            "panel": "panel",
            "strip": MOVING_STRIP if moving else "strip",
            "paths": "paths",
        }
        return {name: swap_datasets(self.templates[template], datasets) for name, template in names.items()}


def live_frame(
    view: screens.DataView, model: GMM, title: str, y_max: float, colour_by: str
) -> list[dict[str, Any]]:
    """The charts of a frame drawn while EM runs (no history yet): the layout of the
    playback's frames (``FrameSet.specs``' top, panel and strip), so nothing jumps when
    the playback takes over."""
    top, strip = screens.frame_screen(view, model, title, y_max)
    panel = views.responsibility_chart(responsibility_curves(model, *view.domain), view.domain, None)
    if colour_by == "uncertainty":
        strip = views.uncertainty_strip_chart(
            views.uncertainty_record(view, model), view.domain, model.n_components, view.x_title
        )
    return [
        spec_of(views.with_previous_curves(top, None, view.domain, y_max)),
        untitled(spec_of(panel)),
        untitled(spec_of(strip)),
    ]


def frame_set(
    history: pd.DataFrame, view: screens.DataView, y_max: float, half: bool, colour_by: str
) -> FrameSet:
    """The frames of ``history`` (E- and M-steps apart when ``half``) and their specs,
    the strip coloured by ``colour_by`` (``COLOUR_BY``)."""
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by: expected one of {', '.join(COLOUR_BY)}, got {colour_by!r}.")
    steps = half_steps(history) if half else iteration_steps(history)
    top, panel, _ = half_step_charts(steps[0], history, view, y_max)
    k = int(history.attrs["n_components"])
    (record,) = half_step_datasets(steps[0], history, view, colour_by=colour_by)["strip"]
    strip = (
        views.uncertainty_strip_chart(record, view.domain, k, view.x_title)
        if colour_by == "uncertainty"
        else charts.strip_chart(record, view.domain, k, named=True, x_title=view.x_title)
    )
    paths = views.parameter_paths_chart(parameter_paths(history))
    templates = {
        "top": spec_of(top),
        "panel": untitled(spec_of(panel)),
        "strip": untitled(spec_of(with_responsibility_tooltip(strip, k, view.x_title))),
        MOVING_STRIP: untitled(spec_of(strip)),
        "paths": spec_of(paths),
    }
    # nor Streamlit's default tooltip (the encoded fields, "points" the jitter) on a moving point
    templates[MOVING_STRIP]["mark"]["tooltip"] = None
    templates["strip"]["datasets"][RESP_PARAMS] = resp_params_records(
        model_at(history, steps[0].resp_iteration)
    )
    return FrameSet(history, view, steps, colour_by, templates, models_by_iteration(history))
