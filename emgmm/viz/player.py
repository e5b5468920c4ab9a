"""A fit's playback as one payload, played by the browser (``player/player.js``).

The server builds the payload once per fit: the Vega-Lite specs Altair makes for the
frame's views (the density with its faint previous curves, the responsibilities panel, the
strip coloured by component or by uncertainty, the parameters' paths, the log-likelihood),
the parameters of every iteration, each frame's heading and which iterations it draws, and
the strip's points. The browser draws every frame from it (the strip's colours and the
responsibilities panel from the frame's parameters, as ``frames.half_step_datasets``
computes them; the tests compare the two) and keeps the clock: no server round trip per
frame. The same player, with the libraries and the payload inline, is the self-contained
HTML file a person downloads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from ..bound import BOUND_GRID, bound_sample
from ..history import iteration_table, models_by_iteration
from ..mstep import MStepSums
from ..noise import has_noise
from ..steps import MIN_MASS
from ..teaching import (
    RESPONSIBILITY_GRID,
    HalfStep,
    half_steps,
    parameter_paths,
    responsibility_grid,
)
from . import charts, frames, plotdata, screens, shown, trace
from . import teaching as views
from . import why as why_views
from .style import FIT_COLOUR, MIXTURE_COLOUR

#: The player's files, served by the app as a Streamlit component (``index.html``).
PLAYER_DIR = Path(__file__).parent / "player"
#: The libraries it draws with, shipped in ``player/vendor`` (versions and licences in its README).
VENDORED = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")

#: The views of a frame, row by row, as the player lays them out (``bound`` for a fit whose
#: M-step maximises EM's plain bound: see ``bound_of``).
ROWS = (("top",), ("panel",), ("strip",), ("bound",), ("paths", "loglik"))
#: The bound chart's height in the player.
BOUND_HEIGHT = 200


def _fitted(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` as wide as the player (Streamlit stretched it before)."""
    return {**spec, "width": "container", "autosize": {"type": "fit-x", "contains": "padding"}}


def _without_heading(top: dict[str, Any]) -> dict[str, Any]:
    """The density chart without the heading drawn in it: the player shows the heading as
    text in the page (read aloud by a screen reader, found by a test), above the charts."""
    layers = [layer for layer in top["layer"] if layer.get("data", {}).get("name") != "heading"]
    datasets = {k: v for k, v in top["datasets"].items() if k != "heading"}
    spec = {k: v for k, v in top.items() if k != "title"}
    return {**spec, "layer": layers, "datasets": datasets}


def templates(history: pd.DataFrame, view: screens.DataView, y_max: float) -> dict[str, dict[str, Any]]:
    """The Vega-Lite specs the player fills, built once by Altair: ``top``, ``panel``,
    ``strip`` (by component), ``strip_uncertainty``, ``paths``, ``loglik``. The strips
    read one row per point (``x``, ``jitter``, ``component`` or ``uncertainty``); their
    tooltip shows the point's value, to which the player adds every r_i(x) under the frame's
    parameters (computed when a point is hovered, not for every point of every frame)."""
    k, noise = int(history.attrs["n_components"]), has_noise(history)
    first = shown.shown_model(history, 0)
    top, _ = charts.frame_charts(
        view.hist, plotdata.params_table(first), {}, view.domain, y_max, "", view.x_title, rows=True
    )
    top = views.with_previous_curves(top, None, view.domain, y_max, rows=True)
    curves = shown.shown_responsibility_curves(first, *view.domain, n_grid=RESPONSIBILITY_GRID)
    panel = views.responsibility_chart(curves, view.domain, None, rows=True)
    tooltip = [alt.Tooltip("x:Q", title=view.x_title, format=".4~g")]
    strip = charts.strip_chart({}, view.domain, k, named=True, x_title=view.x_title, split=False, noise=noise)
    strips = {
        "strip": strip,
        "strip_uncertainty": views.uncertainty_strip_chart(
            {}, view.domain, k + noise, view.x_title, split=False
        ),
    }
    specs = {
        "top": _fitted(_without_heading(frames.spec_of(top))),
        "panel": _fitted(frames.untitled(frames.spec_of(panel))),
        "paths": frames.spec_of(views.parameter_paths_chart(parameter_paths(history))),
        "loglik": _fitted(
            frames.spec_of(trace.loglik_chart(iteration_table(history), current=0, named=True))
        ),
    }
    for name, strip in strips.items():
        specs[name] = _fitted(frames.untitled(frames.spec_of(strip.encode(tooltip=tooltip))))
    # what each frame swaps in travels once, in the frames' own form: empty here
    return {name: _emptied(spec) for name, spec in specs.items()}


#: The datasets the player fills for each frame (``player.js``'s ``frameDatasets``).
SWAPPED = (charts.CURVES, charts.MIXTURE, views.PREVIOUS, "strip", views.RESPONSIBILITIES, views.CURRENT)


def _emptied(spec: dict[str, Any]) -> dict[str, Any]:
    datasets = spec.get("datasets", {})
    return _on_canvas({**spec, "datasets": {k: [] if k in SWAPPED else v for k, v in datasets.items()}})


def _on_canvas(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` without Vega-Lite's ARIA descriptions of each mark (``config.aria``): the
    player draws on a canvas, where they are never shown, and Vega formats them for every
    point of every curve in every frame: with them a frame took 1.3-1.4x as long to draw
    (``python -m benchmarks.bench_player``). The playback's words for a screen reader are
    its heading and its controls."""
    return {**spec, "config": {**spec.get("config", {}), "aria": False}}


def bound_of(history: pd.DataFrame, x: object, weights: object) -> dict[str, Any] | None:
    """What the player needs to draw, in every frame, the bound EM climbs along the mean the
    frame's M-step moves most (``bound.bound_curves``, computed in the browser from the same
    points): the points and weights the log-likelihood curve reads, whether they are all of
    the data, the curves' names and the marks' colours, and the chart's template. None for
    fits whose M-step does not maximise EM's plain bound (hard EM, a prior, a noise component)."""
    attrs = history.attrs
    if attrs.get("method") == "hard" or attrs.get("prior") or attrs.get("noise_range") is not None:
        return None
    points, point_weights, exact = bound_sample(x, weights)
    spec = json.loads(why_views.template("container", BOUND_HEIGHT))
    spec["datasets"] = {
        name: [] for name in (why_views.BOUND_CURVES, why_views.BOUND_MARKS, why_views.BOUND_NOTE)
    }
    return {
        "points": points.tolist(),
        "weights": None if point_weights is None else point_weights.tolist(),
        "exact": exact,
        "n_grid": BOUND_GRID,
        "min_mass": MIN_MASS,
        "curves": list(why_views.CURVES),
        "colours": {"log_likelihood": MIXTURE_COLOUR, "current": why_views.GREY, "update": FIT_COLOUR},
        "datasets": [why_views.BOUND_CURVES, why_views.BOUND_MARKS, why_views.BOUND_NOTE],
        # laid out again when its data change: it is embedded empty, and its axes' labels
        # (widths of digits) change from frame to frame
        "template": _on_canvas(
            {**_fitted(spec), "autosize": {"type": "fit-x", "contains": "padding", "resize": True}}
        ),
        "key": why_views.BOUND_KEY,
    }


def _step(step: HalfStep) -> dict[str, Any]:
    return {
        "title": step.title,
        "params": step.params_iteration,
        "resp": step.resp_iteration,
        "faint": step.faint_iteration,
    }


def payload(
    history: pd.DataFrame,
    view: screens.DataView,
    y_max: float,
    *,
    title: str,
    settings: Mapping[str, Any],
    bounds: Mapping[str, tuple[int, int]],
    colour_labels: Mapping[str, str],
    last_step: MStepSums | None = None,
    data: tuple[object, object] | None = None,
) -> dict[str, Any]:
    """Everything the player needs to draw every frame of ``history``, as JSON-ready values.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em``.
    view : screens.DataView
        The data's view (histogram, strip, domain).
    y_max : float
        The density axis' top, fixed over the fit.
    title : str
        What the playback shows, for a downloaded file's title.
    settings : mapping
        ``every``, ``fps``, ``half_steps``, ``colour_by``: the playback's first settings.
    bounds : mapping
        ``every`` and ``fps``: the (lowest, highest) each may take.
    colour_labels : mapping
        The strip's colourings (``frames.COLOUR_BY``) by name, as the page says them.
    last_step : mstep.MStepSums, optional
        The M-step after the fit's last iteration (``mstep.m_step_sums`` over the data),
        for the frame of the last iteration's "M-step that follows"; without it, the last
        iteration's own parameters stand for it (EM has converged or stopped there).
    data : (x, weights), optional
        The data the fit ran on and its weights (or None), for the bound EM climbs in every
        frame (``bound_of``); without it, or for a fit ``bound_of`` leaves out, no bound.

    Returns
    -------
    dict
        ``fit`` (an id of the fit's content), ``n_iter``, ``k``, ``models`` (``weights``,
        ``means``, ``sds``: one list per iteration), ``frames`` (``iterations`` and
        ``half_steps``: each frame's heading and the iterations it draws), ``strip``
        (the points' values and vertical jitter), ``total`` (N, the data's total weight),
        ``last_step`` (``mass``, ``means``, ``sds`` of the M-step after the last iteration), ``grid``
        (the responsibilities panel's x values), ``colours``, ``templates``, ``rows``,
        ``captions``, ``colour_labels``, ``settings``, ``bounds``, ``title``; ``numbers``
        (each component's number) and ``noise``: for a fit with a noise component
        (``fit_em(..., noise=True)``), ``{"low", "high"}``, its range (component 0 of every
        iteration's parameters is then the uniform: the player draws it flat over the range
        and takes its share of the points from that density, as
        ``shown.component_log_densities``), else None. ``k`` counts the components
        drawn, the noise included; ``bound`` (``bound_of``, or None).
    """
    models = models_by_iteration(history)
    total = float(history.attrs["total_weight"])
    final = models[-1]
    after = (
        {"mass": last_step.mass.tolist(), "means": last_step.means.tolist(), "sds": last_step.sds.tolist()}
        if last_step is not None
        else {
            "mass": (final.weights * total).tolist(),
            "means": final.means.tolist(),
            "sds": final.sds.tolist(),
        }
    )
    lo, hi = view.domain
    grid = responsibility_grid(lo, hi, RESPONSIBILITY_GRID)
    noise = history.attrs.get("noise_range") if has_noise(history) else None
    gaussians = int(history.attrs["n_components"])
    numbers = list(range(gaussians + 1)) if noise else list(range(1, gaussians + 1))
    bound = None if data is None else bound_of(history, *data)
    content = {
        "n_iter": int(history.attrs["n_iter"]),
        "k": len(numbers),
        "numbers": numbers,
        "noise": None if noise is None else {"low": float(noise[0]), "high": float(noise[1])},
        "models": {
            "weights": [m.weights.tolist() for m in models],
            "means": [m.means.tolist() for m in models],
            "sds": [m.sds.tolist() for m in models],
        },
        "frames": {
            "iterations": [_step(s) for s in frames.iteration_steps(history)],
            "half_steps": [_step(s) for s in half_steps(history)],
        },
        "strip": {
            "values": np.asarray(view.strip_x, dtype=np.float64).tolist(),
            "jitter": np.round(view.jitter, 3).tolist(),
        },
        "total": total,
        "last_step": after,
        "grid": grid.tolist(),
        "density_grid": plotdata.grid(view.domain).tolist(),
        "colours": list(views.component_colours(gaussians, noise is not None)),
        "templates": templates(history, view, y_max),
        "rows": [list(row) for row in ROWS if bound is not None or row != ("bound",)],
        "captions": dict(frames.FRAME_CAPTION),
        "colour_labels": dict(colour_labels),
        "bounds": {name: list(pair) for name, pair in bounds.items()},
        "title": title,
        "bound": bound,
    }
    fit = hashlib.sha1(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return {"fit": fit, "settings": dict(settings), **content}
