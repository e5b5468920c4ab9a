"""The final view's "why EM works": the lower bound EM climbs at any iteration, and hard
EM against soft EM from the same start (its playback one click away).

The worked point and the M-step that follows each frame are in the player itself (every
frame, playing or paused); these two need the data or a second fit, so the server draws them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emgmm.app.settings import Settings
from emgmm.bound import bound_curves, moving_most
from emgmm.hard import compare_hard_soft, fit_hard
from emgmm.history import final_model, model_at
from emgmm.mstep import history_sums
from emgmm.page.explore import play_instead
from emgmm.page.fit import fit_cached
from emgmm.page.progress import computed
from emgmm.page.store import Data
from emgmm.viz import screens
from emgmm.viz import why as views
from emgmm.viz.style import component_label


def why_em_works(data: Data, history: pd.DataFrame, view: screens.DataView, values: Settings) -> None:
    """The bound EM climbs, and hard against soft EM, in one expander."""
    with st.expander("Why EM works: the bound it climbs, and hard against soft assignments"):
        climbing_bound(data, history)
        hard_against_soft(data, history, view, values)


def climbing_bound(data: Data, history: pd.DataFrame) -> None:
    """log L as a function of one mean (the others at iteration t) and EM's lower bound
    L(q, theta) = Q(theta | theta_t) + H(q_t): it touches log L at mu_t, and its top is where
    the M-step moves that mean (Bishop, PRML 9.4; Neal and Hinton 1998)."""
    last = int(history.attrs["n_iter"])
    if last < 1:
        st.caption("The fit stopped at its start: no M-step to show.")
        return
    st.markdown(
        "**The bound EM climbs.** For one mean, with the other parameters at iteration t: the "
        "log-likelihood, and EM's lower bound built from that iteration's responsibilities. The "
        "bound touches log L at the current mean, never rises above it, and its top is where the "
        "M-step moves the mean: so each step cannot lower log L."
    )
    left, right = st.columns(2)
    # one M-step only: nothing to choose (a slider needs two ends)
    t = (
        left.slider("Iteration t", 0, last - 1, 0, key="bound_t", help="The E-step's parameters.")
        if last > 1
        else 0
    )
    sums = history_sums(history, int(t))
    k = sums.model.n_components
    component = right.selectbox(
        "Mean of",
        list(range(1, k + 1)),
        index=moving_most(sums) - 1,
        format_func=component_label,
        key=f"bound_component_{k}",
        help="By default the component whose mean this M-step moves furthest, in its sds.",
    )
    bound = bound_curves(data.x, sums, int(component), weights=data.weights)
    st.caption(views.BOUND_KEY)
    st.altair_chart(views.bound_chart(bound), width="stretch")


def hard_against_soft(data: Data, history: pd.DataFrame, view: screens.DataView, values: Settings) -> None:
    """Classification EM (each point wholly to its most responsible component) from EM's
    start, beside EM: both final fits, both log-likelihoods, and how they differ."""
    st.markdown(
        "**Hard against soft.** Classification EM gives each point wholly to its most responsible "
        "component (as k-means does, with sds and weights), from this fit's start."
    )
    hard = computed(
        "hard",
        st.session_state.play_key,
        st.button("Fit hard EM from the same start", key="run_hard"),
        lambda progress: fit_cached(
            "hard_fit",
            lambda: fit_hard(
                data.x,
                int(history.attrs["n_components"]),
                max_iter=values.max_iter,
                tol=values.tol,
                init_params=model_at(history, 0),
                tied_sd=values.tied,
                weights=data.weights,
            ),
        ),
        "Hard EM could not fit this data from this start.",
    )
    if hard is None:
        return
    comparison = compare_hard_soft(history, hard)
    st.markdown(views.hard_soft_sentence(comparison))
    left, right = st.columns(2)
    left.altair_chart(
        views.hard_soft_chart(view.hist, final_model(history), final_model(hard), view.domain, view.x_title),
        width="stretch",
    )
    right.altair_chart(views.hard_soft_loglik_chart(history, hard), width="stretch")
    fit_key = values.fit_key(data.key)
    st.button(
        "Play hard EM",
        on_click=play_instead,
        args=(fit_key, ("hard",), hard),
        key="play_hard",
        icon=":material/play_arrow:",
        help="Its iterations in the playback above, as the fit's; Fit plays EM again.",
    )
