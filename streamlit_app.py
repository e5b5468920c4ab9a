"""EM fitting a 1-D Gaussian mixture, played in the browser.

The page's table of contents: page config, the sidebar, then one call per section, top
to bottom as on the screen: the data (or your own start), the fit and its playback, the
final view and its analyses (new data classified with the fit last), Choose K, Explore starts, the algorithm. Each section is a
module of ``emgmm/page``.
"""

from __future__ import annotations

import streamlit as st

from emgmm.app import custom
from emgmm.app.settings import CUSTOM
from emgmm.page import (
    algorithm,
    choose_k,
    classify,
    data,
    explore,
    final,
    fit,
    goodness_of_fit,
    playback,
    sidebar,
    start,
    uncertainty,
    why,
)
from emgmm.validation import check_fittable
from emgmm.viz import screens

st.set_page_config(page_title="EM for a 1-D Gaussian mixture", page_icon=":bar_chart:", layout="wide")

sidebar.load_link_settings()
playback.apply_player_report()
values, fit_pressed = sidebar.sidebar()
playback.note_playback_settings(values)

st.title("EM fitting a 1-D Gaussian mixture")
sidebar.link_warning(values)

dataset = data.current_data(values)
if dataset is None:
    st.query_params.from_dict(sidebar.link_query(values))
    st.stop()
view = data.data_view(dataset.key, dataset.x, values.seed, dataset.x_title, values.bins, dataset.weights)
if values.init == CUSTOM:  # the link carries your start as it stands
    start_model = start.custom_start(dataset, values)[0]
    if start_model is not None:
        st.session_state.start = custom.encode_start(start_model)
        values = values.replace(start=st.session_state.start)
query = sidebar.link_query(values)
st.query_params.from_dict(query)
data.data_caption(dataset, view, values, query, fit_pressed)

key = values.fit_key(dataset.key)
store = fit.session_fits()
chosen = st.session_state.get("chosen_start")
if fit_pressed or not chosen or chosen[0] != key:
    st.session_state.pop("chosen_start", None)
else:
    key = (*key, *chosen[1])  # a start of Explore starts, or hard EM, played as the fit
shown = st.session_state.get("shown")
if shown is not None and shown.key != key:
    st.session_state.pop("shown", None)  # a fit always belongs to the data and settings on screen

# The page's places, made in the same order on every run: the final view (or the data),
# the playback, the final view's analyses. The player keeps its place whatever a run draws
# around it (a frame that moved on the page would load again, its state lost).
above, playing, below = st.container(), st.container(), st.container()
# the fit's progress, then the player: in a container, not in an st.empty, whose every
# run would clear the player before drawing it again (and the browser reload it)
progress, player_box = playing.empty(), playing.container()

if fit_pressed:
    try:
        check_fittable(dataset.x, values.n_fit, dataset.weights)
        if values.init == CUSTOM and start.custom_start(dataset, values)[2]:
            raise ValueError(start.custom_start(dataset, values)[2])
    except ValueError as err:
        above.error(f"{err} Change the data or the number of fitted components.")
    else:
        fitted = store.get(key)
        if fitted is None:
            fitted = fit.run_fit(dataset, values, view, progress)
            store.put(key, fitted)
        fit.show_fit(key)

history = store.get(key) if "shown" in st.session_state else None
if history is None:
    st.session_state.pop("shown", None)
    with above:
        if values.init == CUSTOM:
            start.your_start(dataset, view, values)
        else:
            data.show(screens.data_screen(view))
else:
    y_max = screens.history_ceiling(view, history, dataset.true)
    if st.session_state.shown.final:
        with above:
            final.final_view(history, dataset, view, y_max, values)
    with player_box:
        playback.player(history, dataset, view, y_max, values)
    if st.session_state.shown.final:
        with below:
            goodness_of_fit.goodness_of_fit(dataset, history, view)
            uncertainty.uncertainty(dataset, history, view, values)
            why.why_em_works(dataset, history, view, values)
            classify.classify_new_data(dataset, history, view, values.seed)

choose_k.choose_k(dataset, values)
explore.explore_starts(dataset, values, view)
algorithm.explain(values.tol, history if history is not None and st.session_state.shown.final else None)
