"""The playback: the browser's player of a fit (one payload per fit), and the settings it
shares with the sidebar both ways."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from emgmm.app import settings
from emgmm.app.settings import Settings
from emgmm.app.text import COLOUR_LABELS
from emgmm.history import final_model
from emgmm.mstep import m_step_sums
from emgmm.page.fit import fit_cached
from emgmm.page.store import Data
from emgmm.viz import player as viz_player
from emgmm.viz import screens

# The playback: the browser plays a fit's frames from one payload (emgmm/viz/player).
player_component = components.declare_component("player", path=str(viz_player.PLAYER_DIR))


#: The settings the playback reads; the player changes them in the browser and says so.
PLAYBACK_KEYS = ("every", "fps", "half_steps", "colour_by")

#: What the player's keys do, said under it.
PLAYER_HELP = (
    "Click the playback, then Space plays or pauses, Left and Right step, Home and End go to the start "
    "and the end. Download HTML saves a file that plays offline; Record video saves a WebM."
)


def playback_settings(values: Settings) -> dict[str, object]:
    """The settings the player reads, by key."""
    return {key: getattr(values, key) for key in PLAYBACK_KEYS}


def apply_player_report() -> None:
    """What the player said since the last run: its settings (the sidebar and the link
    follow them) and whether its playback reached the end (then the final view shows)."""
    report = st.session_state.get("player")
    shown = st.session_state.get("shown")
    if not isinstance(report, dict) or report.get("id") == st.session_state.get("player_report_id"):
        return
    st.session_state.player_report_id = report.get("id")
    payload = st.session_state.get("payload")
    if shown is None or payload is None or payload[0] != shown.key or report.get("fit") != payload[1]["fit"]:
        return  # an earlier fit's player
    for key in PLAYBACK_KEYS:
        if key in report:
            # the browser's boxes hold their bounds; a value outside them is not taken
            with contextlib.suppress(ValueError):
                st.session_state[key] = settings.BY_KEY[key].checked(report[key])
    st.session_state.playback_seen = {key: st.session_state.get(key) for key in PLAYBACK_KEYS}
    if report.get("finished") and not shown.final:
        st.session_state.shown = replace(shown, final=True)


def note_playback_settings(values: Settings) -> None:
    """A change of the playback's settings in the sidebar is sent to the player (which
    continues from the frame on screen): counted, so that the player tells it from the
    settings it reported itself."""
    now = playback_settings(values)
    if st.session_state.get("playback_seen") != now:
        st.session_state.playback_seen = now
        st.session_state.playback_seq = st.session_state.get("playback_seq", 0) + 1


def player(history: pd.DataFrame, data: Data, view: screens.DataView, y_max: float, values: Settings) -> None:
    """The playback, played by the browser from one payload per fit (``emgmm.viz.player``):
    playing after Fit or Replay, else still on the last frame (the final view's scrub)."""
    payload = fit_cached(
        "payload",
        lambda: viz_player.payload(
            history,
            view,
            y_max,
            title=f"EM fitting {values.n_fit} Gaussians: {data.caption}",
            settings=playback_settings(values),
            bounds={
                key: (int(settings.BY_KEY[key].low), int(settings.BY_KEY[key].high))
                for key in ("every", "fps")
            },
            colour_labels=COLOUR_LABELS,
            # the M-step after the last iteration: one pass over the data, once per fit
            last_step=m_step_sums(data.x, final_model(history), data.weights, values.tied),
            data=(data.x, data.weights),
        ),
    )
    st.session_state.payload = (st.session_state.play_key, payload)
    shown = st.session_state.shown
    player_component(
        payload=payload,
        settings=playback_settings(values),
        settings_seq=st.session_state.get("playback_seq", 0),
        mode="still" if shown.final else "play",
        token=shown.token,
        key="player",
        default=None,
    )
    st.caption(PLAYER_HELP)
