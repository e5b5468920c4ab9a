"""Explore starts: where S random starts of EM end, and mclust's deterministic start (hc)
beside them, the best and the worst, and any start played back as if it were the fit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emgmm.app.settings import CUSTOM, Settings
from emgmm.app.text import INIT_LABELS
from emgmm.history import final_model
from emgmm.page.fit import session_fits, show_fit
from emgmm.page.progress import computed
from emgmm.page.store import Data
from emgmm.starts import fit_starts_and_hc
from emgmm.viz import explore, screens


def explored_init(values: Settings) -> str:
    """The random start Explore starts draws: the sidebar's, or k-means++ when it is your own
    or mclust's hc (one start, the same every time: hc is run beside them anyway)."""
    return "kmeans++" if values.init in (CUSTOM, "hc") else values.init


def explore_starts(data: Data, values: Settings, view: screens.DataView) -> None:
    """Where EM's starts end: the final -log L of each, and any start played back."""
    with st.expander("Explore starts: does every start reach the same fit?"):
        st.caption(
            "EM climbs to the nearest maximum of log L from where it starts. This runs S starts "
            f"({INIT_LABELS[explored_init(values)]}, seeds drawn from the seed) with K = {values.n_fit}, then "
            "mclust's deterministic start (hc, the same every time) as start S + 1, and shows where "
            "each ended: a start whose final log L is within 1e-6 (relative) of the best reached it."
            + (" The starts fit Gaussians without a noise component." if values.noise else "")
        )
        n_col, run_col = st.columns(2, vertical_alignment="bottom")
        n_starts = n_col.number_input("Starts, S", 2, 100, 20, key="n_starts")
        key = (values.fit_key(data.key), n_starts)
        starts = computed(
            "starts",
            key,
            run_col.button(f"Run {n_starts} starts", key="run_starts", width="stretch"),
            lambda progress: fit_starts_and_hc(
                data.x,
                values.n_fit,
                int(n_starts),
                weights=data.weights,
                max_iter=values.max_iter,
                tol=values.tol,
                init=explored_init(values),
                tied_sd=values.tied,
                rng=values.seed,
                callback=lambda start, iteration, _m, _ll: progress(
                    (start + iteration / values.max_iter) / (n_starts + 1),
                    f"Start {start + 1} of {n_starts}" if start < n_starts else "mclust's start (hc)",
                ),
            ),
            "Change the data or the number of fitted components.",
        )
        if starts is None:
            return
        summary = explore.start_summary(starts)
        best_row = summary.loc[summary["final_log_likelihood"].idxmax()]
        worst_row = summary.loc[summary["final_log_likelihood"].idxmin()]
        random, hc = summary[~summary["hc"]], summary[summary["hc"]].iloc[0]
        st.markdown(
            f"**{int(random['reached_best'].sum())} of {len(random)} random starts reached the best fit** "
            f"(-log L = {-best_row.final_log_likelihood:,.2f}); the worst ended at "
            f"-log L = {-worst_row.final_log_likelihood:,.2f}. {hc_sentence(hc, best_row)}"
        )
        number = st.selectbox(
            "Start to play",
            summary["start"].tolist(),
            index=int(best_row.start) - explore.START_OFFSET,
            format_func=lambda n: (
                f"{start_name(summary, n)}: -log L = {-summary.loc[n - 1, 'final_log_likelihood']:,.2f}"
            ),
            key="chosen_start_number",
        )
        st.altair_chart(explore.starts_chart(summary, selected=number), width="stretch")
        st.button(
            f"Play {start_name(summary, number)}",
            on_click=play_start,
            args=(values.fit_key(data.key), starts, number),
            key="play_start",
            icon=":material/play_arrow:",
        )
        best_col, worst_col = st.columns(2)
        for column, row, name in ((best_col, best_row, "best"), (worst_col, worst_row, "worst")):
            model = final_model(explore.start_history(starts, int(row.start)))
            chart = screens.final_screen(view, model)[0].properties(
                title=f"The {name}, {start_name(summary, int(row.start))}: -log L = {-row.final_log_likelihood:,.2f}"
            )
            column.altair_chart(chart, width="stretch")


def start_name(summary: pd.DataFrame, number: int) -> str:
    """ "start 3", or "mclust's start (hc), 21" for the hc start."""
    return f"{explore.HC_NAME}, {number}" if summary.loc[number - 1, "hc"] else f"start {number}"


def hc_sentence(hc: pd.Series, best: pd.Series) -> str:
    """Whether mclust's hc start (``hc``, a row of ``start_summary``) reached the best fit
    (``best``'s), and if not how far below it ended."""
    if hc.reached_best:
        return f"**{explore.HC_NAME} reached the best fit.**"
    gap = best.final_log_likelihood - hc.final_log_likelihood
    return (
        f"**{explore.HC_NAME} did not reach the best fit**: it ended at -log L = "
        f"{-hc.final_log_likelihood:,.2f}, {gap:,.2f} above the best."
    )


def play_start(fit_key: tuple[object, ...], starts: pd.DataFrame, number: int) -> None:
    """Play start ``number`` of an exploration as if it were the fit."""
    history = explore.start_history(starts, number)
    play_instead(fit_key, ("start", number), history)


def play_instead(fit_key: tuple[object, ...], what: tuple[object, ...], history: pd.DataFrame) -> None:
    """Play ``history`` (a start of Explore starts, or hard EM: named by ``what``) as if it
    were the fit of ``fit_key``, until the settings change or Fit is pressed."""
    key = (*fit_key, *what)
    session_fits().put(key, history)
    st.session_state.chosen_start = (fit_key, what)
    show_fit(key)
