"""The final view, above the playback: why EM stopped, Replay and the downloads, the fit
against the data (and the truth), degenerate components and the table of components."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from emgmm.app import exports, text
from emgmm.app.settings import Settings
from emgmm.app.text import MATCH_LABELS
from emgmm.degeneracy import MIN_EFFECTIVE_POINTS, component_health
from emgmm.history import final_model
from emgmm.matching import match_components
from emgmm.model import GMM
from emgmm.noise import NoisyMixture, final_noisy_model, has_noise, noisy_health
from emgmm.page.fit import on_replay
from emgmm.page.store import Data
from emgmm.tolerance import tolerance_comparison
from emgmm.viz import screens
from emgmm.viz.plotdata import params_table
from emgmm.viz.shown import Shown, final_shown
from emgmm.viz.style import component_label


def stop_message(history: pd.DataFrame) -> None:
    """Why EM stopped, said as what it means: converged, out of iterations (and how close
    it was), or stopped by a fall of the log-likelihood, which is never called convergence."""
    attrs = history.attrs
    n_iter = text.count(int(attrs["n_iter"]), "iteration")
    gain = 100 * float(attrs["last_gain"])
    if attrs["stop_reason"] == "converged":
        st.success(f"Converged after {n_iter}.")
    elif attrs["stop_reason"] == "decreased":
        st.error(
            f"Stopped after {n_iter}: the log-likelihood fell ({gain:.3g} %), beyond the data's float64 "
            "resolution. EM never lowers it, so this is a numerical problem, not convergence: try "
            "fewer components, another start, or data in other units."
        )
    else:
        st.warning(
            f"Stopped at max iterations without converging ({n_iter}; the last relative gain was "
            f"{gain:.3g} %, the tolerance {100 * attrs['tol']:.3g} %): raise Max iterations to let EM go on."
        )
    if attrs.get("outlier_dominates") and not has_noise(history):
        st.info(
            "A few values lie far from the rest and take up most of the data's range: check them "
            "(a typo?) before reading the fit, or tick **Noise component** under Fit options and Fit "
            "again, so that a uniform component 0 takes them instead of bending the Gaussians."
        )


def fit_notes(history: pd.DataFrame) -> None:
    """Under the fitted components: where other tools' tests would have stopped this fit,
    and the prior it was fitted with, if any (kept off the first screen)."""
    if history.attrs["stop_reason"] != "decreased":
        st.caption(tolerance_comparison(history).sentence())
    if has_noise(history):
        low, high = history.attrs["noise_range"]
        st.caption(
            f"Fitted with mclust's noise component: a uniform density from {low:.6g} to {high:.6g} (the "
            "data's range), drawn flat, takes the points no Gaussian explains; its weight is the share of the "
            "data it holds, and the Gaussians' weights are their shares of the whole mixture."
        )
    if history.attrs.get("prior"):
        st.caption(
            "Fitted with mclust's default conjugate prior (MAP EM): the log-likelihood shown is the plain "
            "one, at the MAP fit, as mclust reports it."
        )


def downloads(history: pd.DataFrame, data: Data, values: Settings) -> None:
    """The history, the fitted model and a table per point, for use elsewhere."""
    files = (
        ("History", lambda: history.to_csv(index=False), "em_history.csv", "text/csv",
         "CSV, one row per iteration and component: weight, mean, sd, log-likelihood."),
        ("Model", lambda: exports.model_json(history, values.as_dict()), "em_model.json", "application/json",
         "JSON: the fitted weights, means and sds, the log-likelihood, n, K and the settings."),
        ("Points", lambda: exports.point_table(data.x, history).to_csv(index=False), "em_points.csv", "text/csv",
         "CSV, one row per point: its value, most responsible component and every responsibility."),
    )  # fmt: skip
    for column, (label, content, name, mime, help_text) in zip(st.columns(len(files)), files, strict=True):
        # made on click: a million points' table is not built on every rerun
        column.download_button(
            label,
            content,
            file_name=name,
            mime=mime,
            icon=":material/download:",
            width="stretch",
            help=help_text,
        )


def final_view(
    history: pd.DataFrame, data: Data, view: screens.DataView, y_max: float, values: Settings
) -> None:
    """Fit against the data (and the truth when known), side by side, over the playback
    (the scrub: the player, still on its last frame)."""
    status, replay_col, download_col = st.columns([3, 1, 3], vertical_alignment="center")
    with status:
        stop_message(history)
    replay_col.button("Replay", icon=":material/replay:", on_click=on_replay, width="stretch")
    with download_col:
        downloads(history, data, values)
    finals = -np.asarray(history.attrs["start_log_likelihoods"])
    if len(finals) > 1:
        st.caption(
            f"{len(finals)} starts, final -LL from {finals.min():,.1f} to {finals.max():,.1f}: "
            "the best is shown."
        )
    fitted = final_shown(history)  # a noise drawn flat, never read as a normal
    health = fit_health(data, history)
    degenerate_note(health)
    mixture, components = screens.final_screen(view, fitted, data.true)
    left, right = st.columns(2)
    left.altair_chart(mixture, width="stretch")
    right.altair_chart(components, width="stretch")
    final_table(fitted, data.true, health)
    fit_notes(history)
    st.subheader("Scrub through the iterations")


def fit_health(data: Data, history: pd.DataFrame) -> pd.DataFrame:
    """Each fitted component's effective number of points and whether it is degenerate
    (``degeneracy.component_health``), kept for the fit on screen: a pass over the data."""
    stored = st.session_state.get("health")
    if stored is None or stored[0] != st.session_state.play_key:
        floor = float(history.attrs["sd_floor"])
        health = (
            noisy_health(data.x, final_noisy_model(history), floor, data.weights)
            if has_noise(history)
            else component_health(data.x, final_model(history), floor, data.weights)
        )
        stored = (st.session_state.play_key, health)
        st.session_state.health = stored
    return stored[1]


def degenerate_note(health: pd.DataFrame) -> None:
    """Says which components sit on a handful of points or at the sd floor, and what to try."""
    flagged = health[health["degenerate"]]
    if flagged.empty:
        return
    parts = [
        f"{component_label(int(r.component))}: sd {r.sd:.3g} on {r.effective_n:.1f} points"
        + (" (at the sd floor)" if r.sd_at_floor else "")
        for r in flagged.itertuples()
    ]
    st.warning(
        f"Degenerate: {'; '.join(parts)}. A component on fewer than {MIN_EFFECTIVE_POINTS:g} points, or "
        "with its sd at the floor, describes a few values rather than the data (its likelihood can grow "
        "without bound): try fewer components or another start."
    )


def final_table(fitted: Shown, true: GMM | None, health: pd.DataFrame) -> None:
    """The fitted components, matched to the true ones when they are known, with the
    points each stands on (N_i = sum_n r_ni) and whether it is degenerate. A noise
    component is the row "noise" (its mean and sd the uniform's); matched to the truth,
    the Gaussians are, their weights relative to each other."""
    noisy = isinstance(fitted, NoisyMixture)
    if true is not None:
        st.markdown("**Fitted components matched to the true ones** (errors: fitted minus true)")
        if isinstance(fitted, NoisyMixture):
            st.caption(
                f"The Gaussians are matched, their weights relative to each other; the noise holds "
                f"{fitted.noise_weight:.3g} of the data."
            )
        shown = match_components(true, fitted.gaussians if isinstance(fitted, NoisyMixture) else fitted)
        by_number = health.set_index("component")
        shown = shown.assign(
            points=by_number.loc[shown["fit_component"], "effective_n"].to_numpy(),
            degenerate=by_number.loc[shown["fit_component"], "degenerate"].to_numpy(),
        ).rename(columns=MATCH_LABELS)
    else:
        st.markdown("**Fitted components**")
        shown = params_table(fitted).assign(
            points=health["effective_n"].to_numpy(), degenerate=health["degenerate"].to_numpy()
        )
        if noisy:  # the noise by name; its range is said under the table
            shown = shown.drop(columns=["low", "high"]).assign(
                component=[component_label(int(i)) for i in shown["component"]]
            )
    shown = shown.rename(columns={"points": "points, N_i"})
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.NumberColumn(format=text.number_format(shown[c]))
            for c in shown.columns
            if shown[c].dtype.kind == "f"
        },
    )
