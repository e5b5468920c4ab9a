"""The fit: run with a live first frame and a progress bar where the player will be,
kept in this session's store of fits, and put on screen (``Shown``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from emgmm.app.cache import BoundedStore
from emgmm.app.settings import CUSTOM, Settings
from emgmm.em import fit_em
from emgmm.noise import noisy_mixture
from emgmm.page.start import custom_start
from emgmm.page.store import Data, T
from emgmm.viz import frames, screens

#: A session's finished fits (``session_fits``): a history is a few hundred kB at most,
#: so a session holds its fit on screen and a few it may go back to, within a bound.
FITS_PER_SESSION, FIT_BYTES_PER_SESSION = 8, 32 * 2**20


def run_fit(data: Data, values: Settings, view: screens.DataView, slot) -> pd.DataFrame:
    """Fit with a live first frame and a progress bar, in ``slot`` (where the player will
    be); a click meanwhile interrupts it.

    The bar stands where the playback's controls will, above the frame, so the page
    keeps its layout when the playback starts."""
    with slot.container():
        bar_slot, frame_slot = st.empty(), st.empty()
    start = custom_start(data, values)[0] if values.init == CUSTOM else None
    max_iter = values.max_iter
    n_init = values.n_init if start is None else 1  # your own start is one start
    shown = {"at": 0.0}
    # the noise's range, as fit_em takes it: the points of positive weight
    kept = data.x if data.weights is None else data.x[data.weights > 0]
    noise_range = (float(kept.min()), float(kept.max())) if values.noise and kept.size else None

    def progress(start, iteration, model, log_likelihood):
        if noise_range is not None and noise_range[0] < noise_range[1]:
            model = noisy_mixture(model, *noise_range)  # component 0 is the uniform: drawn flat
        if start == 0 and iteration == 0:
            title = screens.frame_title(0, log_likelihood)
            with frame_slot.container():
                y_max = screens.y_ceiling(view, [model] if data.true is None else [data.true, model])
                for spec in frames.live_frame(view, model, title, y_max, values.colour_by):
                    st.vega_lite_chart(spec, width="stretch")
        now = time.perf_counter()
        if now - shown["at"] > 0.1:  # Streamlit calls are where a rerun can stop the fit
            shown["at"] = now
            done = (start + iteration / max_iter) / n_init
            bar_slot.progress(
                min(done, 1.0),
                text=f"Fitting: start {start + 1} of {n_init}, "
                f"iteration {iteration}, -LL = {-log_likelihood:,.2f}",
            )

    history = fit_em(
        data.x,
        values.n_fit,
        max_iter=max_iter,
        init=values.init if start is None else "kmeans++",
        init_params=start,
        weights=data.weights,
        n_init=n_init,
        tied_sd=values.tied,
        prior=values.prior or None,
        noise=values.noise,
        tol=values.tol,
        rng=values.seed,
        callback=progress,
    )
    slot.empty()
    return history


@dataclass(frozen=True)
class Shown:
    """The fit on screen: its key in the session's fits, whether its playback plays or
    the final view shows, and a token that restarts the player (Fit, Replay)."""

    key: tuple[object, ...]
    final: bool = False
    token: int = 0


def session_fits() -> BoundedStore:
    """This session's finished fits: never evicted by another session's. The fit on screen
    is read on every run, so it is the last a new fit would evict."""
    if "fit_store" not in st.session_state:
        st.session_state.fit_store = BoundedStore(
            max_entries=FITS_PER_SESSION, max_bytes=FIT_BYTES_PER_SESSION
        )
    return st.session_state.fit_store


def show_fit(key: tuple[object, ...]) -> None:
    """Put the fit under ``key`` on screen, its playback playing from the first frame."""
    st.session_state.play_key = key
    st.session_state.shown = Shown(key, token=st.session_state.get("play_tokens", 0) + 1)
    st.session_state.play_tokens = st.session_state.shown.token


def on_replay() -> None:
    """Replay: the fit on screen plays again from its first frame."""
    show_fit(st.session_state.shown.key)


def fit_cached(name: str, make: Callable[[], T]) -> T:
    """``make()``, kept for the fit on screen under ``name`` (dropped with the fit)."""
    stored = st.session_state.get(name)
    if stored is None or stored[0] != st.session_state.play_key:
        stored = (st.session_state.play_key, make())
        st.session_state[name] = stored
    return stored[1]
