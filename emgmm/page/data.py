"""The data: where it comes from (a random mixture, an example, a paste; an upload in
``upload``), the data view's charts, and the caption under the title that says what is
on screen."""

from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from emgmm import datasets
from emgmm.app import text
from emgmm.app.links import DATA_PARAM
from emgmm.app.settings import Settings
from emgmm.app.text import EXAMPLE_TEXT
from emgmm.io import parsing
from emgmm.model import GMM
from emgmm.page.store import Data, stored
from emgmm.page.upload import uploaded_data
from emgmm.sampling import simulate
from emgmm.viz import screens


def simulated(n_real: int, spread: float, n_points: int, seed: int) -> tuple[GMM, np.ndarray]:
    """The random mixture and its points, kept in the shared data store."""
    key = ("random", n_real, spread, n_points, seed)
    return stored(key, lambda: simulate(n_real, spread, n_points, seed), "Drawing the data...")


@st.cache_data(max_entries=4, show_spinner=False)
def example_values(name: str) -> np.ndarray:
    """The values of the example data set ``name``."""
    return datasets.load_example(name)


@st.cache_data(max_entries=8, show_spinner=False)
def data_view(
    key: tuple[object, ...],
    _x: np.ndarray,
    seed: int,
    x_title: str,
    bins: int,
    _weights: np.ndarray | None = None,
) -> screens.DataView:
    """The data view's tables (``screens.data_view``), cached under ``key``: the data
    itself (``_x``, ``_weights``) is not hashed on every rerun."""
    return screens.data_view(_x, seed, x_title, bins, _weights)


def show(stacked) -> None:
    """Charts of one screen, one under the other, each as wide as the page."""
    for chart in stacked:
        st.altair_chart(chart, width="stretch")


def current_data(values: Settings) -> Data | None:
    """The data the settings describe, or None after telling the user what to fix."""
    source, seed = values.source, values.seed
    if source == "random":
        n_real, spread, n_points = values.n_real, values.spread, values.n_points
        true, x = simulated(n_real, spread, n_points, seed)
        caption = f"{n_points:,} points drawn from a random mixture of {n_real} Gaussians (seed {seed})"
        about = (
            f"The original demo's recipe: equal weights, means from Normal(0, {spread:g}), "
            "sds uniform in [0.1, 1) and at least 0.1."
        )
        return Data(values.data_key(), x, true, caption, about)
    if source == "example":
        example = EXAMPLE_TEXT[values.example]
        x = example_values(values.example)
        caption = f"{example.title}: {text.count(x.size, 'value')}"
        return Data(values.data_key(), x, None, caption, example.about, example.quantity)
    if source == "upload":
        return uploaded_data(values)
    pasted_text = st.session_state.get("paste", "")
    if not pasted_text.strip():
        st.info("Paste numbers in the sidebar, separated by commas, spaces or new lines.")
        return None
    try:
        pasted = parsing.parse_numbers(pasted_text)
    except ValueError as err:
        st.error(str(err))
        return None
    note = f"; {pasted.note()}" if pasted.note() else ""
    return Data(
        values.data_key(hashlib.sha1(pasted_text.encode()).hexdigest()),
        pasted.x,
        None,
        f"Pasted data: {text.count(pasted.x.size, 'value')}{note}",
        x_title="value",
    )


def data_caption(
    data: Data, view: screens.DataView, values: Settings, query: dict[str, str], fit_pressed: bool
) -> None:
    """What is on screen, under the title: the data, the strip, a note on the histogram, and
    whether the page's link (``query``) carries the data."""
    invitation = (
        ""
        if fit_pressed or "shown" in st.session_state
        else " Press **Fit** to watch EM fit it, one iteration a frame."
    )
    st.caption(f"{data.caption}; strip: {view.strip_caption}.{invitation}", help=data.about or None)
    if view.note:  # a histogram float64 cannot draw as asked: say why
        st.caption(f":orange[Histogram: {view.note}.]")
    if values.source == "upload" or (values.source == "paste" and DATA_PARAM not in query):
        st.caption(
            ":material/link_off: This page's link does not carry the data "
            + (
                "(uploaded files never travel in a link)"
                if values.source == "upload"
                else "(the paste is too large)"
            )
            + ": whoever opens it must upload or paste the same numbers."
        )
