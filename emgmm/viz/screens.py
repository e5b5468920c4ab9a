"""The dashboard's three screens, built from data and a fit history: pure functions.

``DataView`` holds what every screen of one data set shares (axis range, histogram,
strip subsample), computed once; the screen builders then only add the model curves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..history import relative_gain
from ..model import GMM
from ..scaling import float_step
from . import charts, plotdata, shown
from .shown import Shown


@dataclass(frozen=True, eq=False)
class DataView:
    """Everything the charts of one data set share."""

    domain: tuple[float, float]
    hist: pd.DataFrame
    strip_x: np.ndarray
    jitter: np.ndarray
    n_points: int
    grid: np.ndarray
    strip_text: dict
    x_title: str = "x"
    weighted: bool = False
    note: str = ""  # why the histogram is not as asked (``histogram_note``), or ""

    def strip(self, model: Shown | None = None) -> dict:
        """The strip's values (``plotdata.strip_values``), classified under ``model`` if given."""
        if model is None:
            return self.strip_text
        return {**self.strip_text, "component": plotdata.strip_components(self.strip_x, model)}

    @property
    def strip_caption(self) -> str:
        """Says when the strip shows a subsample."""
        if self.weighted:
            return f"{self.strip_x.size:,} draws of the rows, each as likely as its weight"
        if self.strip_x.size < self.n_points:
            return f"showing {self.strip_x.size:,} of {self.n_points:,} points (a seeded random subsample)"
        return f"all {self.n_points:,} points"


def data_view(
    x: np.ndarray, rng, x_title: str = "x", bins: int = plotdata.HIST_BINS, weights: np.ndarray | None = None
) -> DataView:
    """Axis range, histogram (``bins`` bars) and strip subsample of ``x``, whose axis is
    titled ``x_title`` (what the values are); ``rng`` draws the subsample and jitter;
    ``weights`` (frequencies) weigh the histogram and the strip's draw."""
    domain = plotdata.x_domain(x)
    index, jitter = plotdata.strip_sample(x.size, rng, weights=weights)
    strip_x = x[index]
    hist = plotdata.histogram_table(x, domain, bins, weights)
    return DataView(
        domain,
        hist,
        strip_x,
        jitter,
        int(x.size),
        plotdata.grid(domain),
        plotdata.strip_values(strip_x, jitter, domain),
        x_title,
        weights is not None,
        histogram_note(hist, bins, domain),
    )


def histogram_note(hist: pd.DataFrame, bins: int, domain: tuple[float, float]) -> str:
    """A sentence on why the histogram ``plotdata.histogram_table`` made is not the one
    asked for: fewer than ``bins`` bins (float64 cannot resolve more over ``domain``), or
    densities past the largest float; "" when it is."""
    notes = []
    drawn = int(hist.attrs.get("bins", len(hist)))
    if drawn < bins:
        magnitude = max(abs(domain[0]), abs(domain[1]))
        notes.append(
            f"{bins} bins would be narrower than float64 resolves here (its step at {magnitude:.6g} "
            f"is {float_step(magnitude):.3g}): the histogram has {drawn}"
        )
    if hist.attrs.get("overflow"):
        notes.append(
            "the data is spread over so few float64 steps that its densities pass the largest float, "
            "so its bars are left out; multiply the data by a power of ten to see them"
        )
    return "; ".join(notes)


def data_screen(view: DataView, title: str = "The data"):
    """Screen 1: histogram and jittered strip."""
    y_max = plotdata.density_ceiling(view.hist, [], view.grid)
    return charts.data_charts(view.hist, view.strip(), view.domain, y_max, title, view.x_title)


def frame_title(iteration: int, log_likelihood: float, previous: float | None = None) -> str:
    """'Iteration i: -LL = value (+x.xx %)' (three significant digits): the heading of every frame, live or played back;
    the change is the relative gain of the log-likelihood over ``previous``."""
    text = f"Iteration {iteration}: -LL = {-log_likelihood:,.2f}"
    if previous is not None:
        # three significant digits: a late gain of 0.000123 % still reads as a number
        text += f" ({100.0 * float(relative_gain(log_likelihood, previous)):+.3g} %)"
    return text


def history_title(iterations: pd.DataFrame, iteration: int) -> str:
    """``frame_title`` of one row of ``history.iteration_table``."""
    ll = iterations["log_likelihood"].to_numpy()
    return frame_title(iteration, float(ll[iteration]), float(ll[iteration - 1]) if iteration else None)


def y_ceiling(view: DataView, models: list[Shown]) -> float:
    """A fixed top for the density axis over all frames of a fit."""
    return plotdata.density_ceiling(view.hist, models, view.grid)


def history_ceiling(view: DataView, history: pd.DataFrame, true: GMM | None = None) -> float:
    """``y_ceiling`` of a fit's start and end (and the truth, when known), the noise drawn flat."""
    last = int(history["iteration"].iloc[-1])
    truth = [] if true is None else [true]
    return y_ceiling(view, [*truth, shown.shown_model(history, 0), shown.shown_model(history, last)])


def frame_screen(view: DataView, model: Shown, title: str, y_max: float):
    """Screen 2 for one model: components, mixture and classification."""
    params = plotdata.params_table(model)
    return charts.frame_charts(view.hist, params, view.strip(model), view.domain, y_max, title, view.x_title)


def final_screen(view: DataView, fitted: Shown, true: GMM | None = None):
    """Screen 3: fitted (and, if known, true) mixture over the histogram; below, each
    weighted component, the fit drawn with its own weights (its noise, if any, flat)."""
    models: dict[str, Shown] = {"Fit": fitted} if true is None else {"True": true, "Fit": fitted}
    params = pd.concat([plotdata.params_table(m, label) for label, m in models.items()], ignore_index=True)
    y_max = plotdata.density_ceiling(view.hist, list(models.values()), view.grid)
    y_comp = plotdata.component_ceiling(list(models.values()), view.grid)
    return charts.final_charts(view.hist, params, view.domain, y_max, y_comp, view.x_title)
