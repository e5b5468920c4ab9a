"""EM fitting a 1-D Gaussian mixture, played in the browser.

Glue only: the sidebar returns plain settings, cached wrappers call ``emgmm``, the
session state holds the playback, and the page reads top to bottom like the screen:
sidebar, data view, fit and playback, final view, choosing K, the algorithm.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

import emgmm.app
from emgmm import datasets, goodness, selection
from emgmm.app import custom, exports, settings, text
from emgmm.app.cache import BoundedStore
from emgmm.app.links import DATA_PARAM, decode_paste, encode_paste
from emgmm.app.settings import CUSTOM, Settings
from emgmm.app.text import COLOUR_LABELS, EXAMPLE_TEXT, INIT_LABELS, MATCH_LABELS, SOURCE_LABELS
from emgmm.bootstrap import KINDS, bootstrap
from emgmm.degeneracy import MIN_EFFECTIVE_POINTS, component_health
from emgmm.em import fit_em, fit_starts
from emgmm.history import final_model, model_at
from emgmm.io import parsing
from emgmm.io.weighting import NO_WEIGHTS, weighted_values
from emgmm.lrt import bootstrap_lrt
from emgmm.matching import match_components
from emgmm.model import GMM
from emgmm.sampling import simulate
from emgmm.scaling import sd_floor_for
from emgmm.validation import check_fittable, check_weights
from emgmm.viz import analysis, explore, frames, screens, trace
from emgmm.viz import player as viz_player
from emgmm.viz.plotdata import params_table
from emgmm.viz.start import PLACE, placing_chart
from emgmm.viz.style import component_label

T = TypeVar("T")


st.set_page_config(page_title="EM for a 1-D Gaussian mixture", page_icon=":bar_chart:", layout="wide")

# The playback: the browser plays a fit's frames from one payload (emgmm/viz/player).
player_component = components.declare_component("player", path=str(viz_player.PLAYER_DIR))
# Invisible: on a phone, closes the sidebar (which covers the page) when Fit is pressed,
# and reports a file the uploader refused in the browser (emgmm/app/sidebar_watch).
sidebar_watch = components.declare_component(
    "sidebar_watch", path=str(Path(emgmm.app.__file__).parent / "sidebar_watch")
)


# ---------------------------------------------------------------- settings and sidebar
def load_link_settings() -> None:
    """Once per session: the settings of a shared link, or the defaults.

    On later runs every setting is written back to the session state: Streamlit drops
    the state of a widget that a run does not draw (the random-mixture controls while
    an example is shown), and a value set by the script is kept.
    """
    if "link_warnings" in st.session_state:
        for c in settings.CONTROLS:
            st.session_state[c.key] = st.session_state.get(c.key, c.default)
        st.session_state.paste = st.session_state.get("paste", "")  # kept while another source shows
        return
    query = st.query_params.to_dict()
    values, refused = Settings.from_query(query)
    for key, value in values.as_dict().items():
        st.session_state[key] = value
    if DATA_PARAM in query:
        try:
            st.session_state.paste = decode_paste(query[DATA_PARAM])
        except ValueError as err:
            refused.append(f"{DATA_PARAM}: {err}")
    st.session_state.link_warnings = refused
    st.session_state.link_settings = values  # the warnings go once the settings change


def link_query(values: Settings) -> dict[str, str]:
    """The URL of these settings, with pasted data small enough to travel in it."""
    query = values.to_query()
    if values.source == "paste":
        token = encode_paste(st.session_state.get("paste", ""))
        if token:
            query[DATA_PARAM] = token
    return query


def suggest_k() -> None:
    """An example data set brings the number of components its literature fits."""
    if st.session_state.source == "example":
        st.session_state.n_fit = datasets.EXAMPLES[st.session_state.example].suggested_k


def new_seed() -> None:
    st.session_state.seed = int(np.random.default_rng().integers(0, 2**31 - 1))


def keep_unless_cleared(key: str) -> None:
    """A cleared number box goes back to the value it had (Streamlit's would take the
    minimum), and says so under the box."""
    if st.session_state[key] is None:
        kept = st.session_state.kept_numbers.get(key, settings.BY_KEY[key].default)
        st.session_state[key] = kept
        st.session_state[f"{key}__notice"] = f"Left empty: kept {settings.BY_KEY[key].shown(kept)}."


def read_typed(key: str) -> None:
    """A typed number box: the number it holds, read as a person writes it, or the
    previous value kept with a note saying what the box accepts."""
    c = settings.BY_KEY[key]
    typed = st.session_state[f"{key}__text"]
    try:
        st.session_state[key] = c.parse(typed)
    except ValueError as err:
        shown = typed if len(typed) <= 20 else typed[:20] + "..."
        st.session_state[f"{key}__notice"] = f"'{shown}' is not {err}: kept {c.shown(st.session_state[key])}."
    st.session_state[f"{key}__text"] = c.shown(st.session_state[key])


def number(key: str, step=None, fmt=None):
    """A number input drawn from the setting's spec: a stepper, or a text box for a
    number a person types (``Control.typed``: 1e6, 1,000,000)."""
    c = settings.BY_KEY[key]
    if c.typed:
        text_key = f"{key}__text"
        if st.session_state.get(text_key) != c.shown(st.session_state[key]):
            st.session_state[text_key] = c.shown(st.session_state[key])  # a link or a reset changed it
        st.text_input(c.label, key=text_key, help=c.help, on_change=read_typed, args=(key,))
    else:
        kind = int if c.kind == "int" else float
        st.number_input(
            c.label,
            min_value=kind(c.low),
            max_value=kind(c.high),
            value=None,  # so that a cleared box reaches keep_unless_cleared, not the minimum
            step=step or (1 if kind is int else 0.1),
            format=fmt,
            key=key,
            help=c.help,
            on_change=keep_unless_cleared,
            args=(key,),
        )
    st.session_state.setdefault("kept_numbers", {})[key] = st.session_state[key]
    notice = st.session_state.pop(f"{key}__notice", None)
    if notice:
        st.caption(f":orange[{c.label}: {notice}]")


def choice(key: str, labels: dict[str, str], on_change=None):
    c = settings.BY_KEY[key]
    return st.selectbox(
        c.label, c.choices, format_func=lambda v: labels.get(v, v), key=key, help=c.help, on_change=on_change
    )


def sidebar() -> tuple[Settings, bool]:
    """Draw the controls; return the settings and whether Fit was pressed."""
    with st.sidebar:
        st.header("Data")
        choice("source", SOURCE_LABELS, on_change=suggest_k)
        source = st.session_state.source
        if source == "random":
            number("n_real")
            number("spread", step=0.1, fmt="%.2f")
            number("n_points", step=500)
        elif source == "example":
            choice("example", {k: e.title for k, e in EXAMPLE_TEXT.items()}, on_change=suggest_k)
        elif source == "upload":
            st.file_uploader(
                "CSV file",
                type=["csv", "txt", "tsv"],
                key="upload",
                help="Comma, semicolon or tab separated, with or without a header; "
                f"up to 50 MB and {parsing.MAX_ROWS:,} rows.",
            )
            st.session_state.column_slot = st.container()  # the column picker goes right here
            st.session_state.weight_slot = st.container()
        else:
            st.text_area(
                "Numbers",
                key="paste",
                height=120,
                max_chars=parsing.MAX_PASTE_CHARS,
                placeholder="1.2, 3.4, 5.6 ...",
                help="Numbers separated by commas, semicolons, spaces or new lines; decimal commas "
                "(1,5; 2,5) are read as a spreadsheet writes them.",
            )
        number("seed")
        if source == "random":
            st.button("New data", on_click=new_seed, width="stretch", help="A fresh seed: new random data.")
        else:
            st.button(
                "New start",
                on_click=new_seed,
                width="stretch",
                help="A fresh seed: your data stays; EM's random start and the strip's jitter change.",
            )
        number("bins", step=5)

        st.header("Fit")
        number("n_fit")
        number("max_iter", step=50)
        fit_pressed = st.button("Fit", type="primary", width="stretch", key="fit")
        with st.expander("Fit options"):
            choice("init", INIT_LABELS)
            number("n_init")
            st.toggle(settings.BY_KEY["tied"].label, key="tied", help=settings.BY_KEY["tied"].help)
            number("tol", step=1e-9, fmt="%.1e")

        st.header("Playback")
        number("every")
        number("fps")
        st.toggle(
            settings.BY_KEY["half_steps"].label, key="half_steps", help=settings.BY_KEY["half_steps"].help
        )
        choice("colour_by", COLOUR_LABELS)
        if fit_pressed:
            st.session_state.fits = st.session_state.get("fits", 0) + 1
        # its value: the uploader's note when it refused a file (over the cap), else ""
        st.session_state.upload_refused = sidebar_watch(
            fit=st.session_state.get("fits"), key="sidebar_watch", default=""
        )
    return Settings.from_state(st.session_state), fit_pressed


# ------------------------------------------------------------------------- data
@dataclass(frozen=True, eq=False)
class Data:
    """The data on screen: a key naming it, the values, the true model if known, a
    one-line caption, a longer description, and the name of the values (the x axis)."""

    key: tuple[object, ...]
    x: np.ndarray
    true: GMM | None
    caption: str
    about: str = ""
    x_title: str = "x"
    weights: np.ndarray | None = None  # frequencies: a row of weight 2 counts as two


# Data sets and parsed uploads live in one store shared by every session, bounded in
# bytes (a million points is 8 MB; a wide upload's table up to 64 MB), so that a busy
# shared server holds at most DATA_BYTES of them whatever its visitors load.
DATA_BYTES = 256 * 2**20


@st.cache_resource
def data_store() -> BoundedStore:
    return BoundedStore(max_entries=32, max_bytes=DATA_BYTES)


def stored(key: tuple[object, ...], make: Callable[[], T], spinner: str) -> T:
    """``make()``, kept in the shared data store under ``key``."""
    store = data_store()
    value = store.get(key)
    if value is None:
        with st.spinner(spinner):
            value = make()
        store.put(key, value)
    return value


def simulated(n_real: int, spread: float, n_points: int, seed: int) -> tuple[GMM, np.ndarray]:
    key = ("random", n_real, spread, n_points, seed)
    return stored(key, lambda: simulate(n_real, spread, n_points, seed), "Drawing the data...")


@st.cache_data(max_entries=4, show_spinner=False)
def example_values(name: str) -> np.ndarray:
    return datasets.load_example(name)


def parsed_upload(file_id: str, content: bytes) -> parsing.ParsedTable:
    """The upload's table, or its ValueError raised again: a refused file is read once,
    not on every rerun (refusing the largest takes seconds)."""

    def parse() -> parsing.ParsedTable | ValueError:
        try:
            return parsing.parse_table(content)
        except ValueError as err:
            return err

    # keyed by Streamlit's id of the upload, so a 50 MB file is not hashed on every rerun
    table = stored(("upload", file_id), parse, "Reading the file...")
    if isinstance(table, ValueError):
        raise table
    return table


@st.cache_data(max_entries=8, show_spinner=False)
def data_view(
    key: tuple[object, ...],
    _x: np.ndarray,
    seed: int,
    x_title: str,
    bins: int,
    _weights: np.ndarray | None = None,
) -> screens.DataView:
    return screens.data_view(_x, seed, x_title, bins, _weights)


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
        upload = st.session_state.get("upload")
        if upload is not None:  # kept, so that the file outlives a switch to another source
            st.session_state.kept_upload = (upload.name, upload.file_id, upload.getvalue())
        refused = st.session_state.get("upload_refused")
        if refused:  # the browser refused a file before it reached the server: say so here too
            st.error(
                f"The file was not uploaded: {refused} Keep the column to fit, or a random sample of the "
                f"rows, in a smaller file (at most 50 MB and {parsing.MAX_ROWS:,} rows)."
            )
        if "kept_upload" not in st.session_state:
            st.info(
                "Upload a CSV file in the sidebar: a column of numbers, at most 50 MB and "
                f"{parsing.MAX_ROWS:,} rows (a larger file is refused there, with a note under the uploader)."
            )
            return None
        name, file_id, content = st.session_state.kept_upload
        try:
            table = parsed_upload(file_id, content)
        except ValueError as err:
            st.error(f"{name}: {err}")
            return None
        names = list(table.columns)
        column = parsing.default_column(table)
        if len(names) > 1:
            if st.session_state.get("column") not in names:
                st.session_state.column = column  # a new file: its first column that is not a row index
            with st.session_state.pop("column_slot", st.sidebar):
                column = st.selectbox("Column", names, key="column", help="The numeric column to fit.")
        weight_column = NO_WEIGHTS
        if len(names) > 1:
            with st.session_state.pop("weight_slot", st.sidebar):
                weight_column = st.selectbox(
                    "Weights",
                    [NO_WEIGHTS, *(n for n in names if n != column)],
                    key="weight_column",
                    help="A column of counts or weights: each row then stands for that many observations "
                    "of its value (binned data).",
                )
        weights = None
        if weight_column == NO_WEIGHTS:
            values_ = parsing.column_values(table, column)
            weighted_note = ""
        else:
            try:
                weighted = weighted_values(table, column, weight_column)
                # the engine's own check of weights: the page refuses what a fit would
                check_weights(weighted.weights, weighted.values.x.size)
            except ValueError as err:
                st.error(f"{name}: {err}")
                return None
            values_, weights, weighted_note = weighted.values, weighted.weights, f"; {weighted.note()}"
        note = f"; {values_.note()}" if values_.note() else ""
        return Data(
            values.data_key(f"{file_id}:{column}:{weight_column}"),
            values_.x,
            None,
            f"{name}, column '{column}': {text.count(values_.x.size, 'value')}{weighted_note}{note}",
            x_title=column,
            weights=weights,
        )
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


# ------------------------------------------------------------------ your own start
def start_table(data: Data, values: Settings) -> pd.DataFrame:
    """The start table of this data (from the link, or a first guess), with the edits the
    table editor holds and the means clicks placed; K rows."""
    if st.session_state.get("start_table_for") != data.key:
        try:
            table = custom.decode_start(values.start) if values.start else None
        except ValueError:
            table = None
        st.session_state.start_table = (
            table if table is not None else custom.default_table(data.x, values.n_fit)
        )
        st.session_state.start_table_for = data.key
        st.session_state.start_clicks = 0
        st.session_state.pop("start_editor", None)
    table = custom.apply_edits(st.session_state.start_table, st.session_state.get("start_editor"))
    event = st.session_state.get("place_means")
    picked = (event or {}).get("selection", {}).get(PLACE) if isinstance(event, dict) else None
    if picked and picked != st.session_state.get("start_placed"):  # a new click on the data
        st.session_state.start_placed = picked
        table = custom.place_mean(table, picked[0]["x"], st.session_state.start_clicks)
        st.session_state.start_clicks += 1
        st.session_state.start_table = table
        st.session_state.pop("start_editor", None)  # its edits are in the table now
    resized = custom.resized(table, values.n_fit, data.x)
    if len(resized) != len(table):
        st.session_state.start_table, table = resized, resized
        st.session_state.pop("start_editor", None)
    return table


def custom_start(data: Data, values: Settings) -> tuple[GMM | None, list[str], str]:
    """Your start as EM will run from it, the notes on what was changed, and what is wrong
    with it (empty when it is a start)."""
    try:
        model, notes = custom.read_start(start_table(data, values), sd_floor_of(data))
    except ValueError as err:
        return None, [], str(err)
    return model, notes, ""


def sd_floor_of(data: Data) -> float:
    """The sd floor ``fit_em`` will use on this data (``scaling.sd_floor_for``)."""
    return float(sd_floor_for(data.x))


def your_start(data: Data, view: screens.DataView, values: Settings) -> None:
    """The data with your start over it, to click on, and the table to edit."""
    model, notes, problem = custom_start(data, values)
    shown = (
        model if model is not None else custom.read_start(custom.default_table(data.x, values.n_fit), 0.0)[0]
    )
    y_max = screens.y_ceiling(view, [shown])
    st.altair_chart(
        placing_chart(view, shown, y_max),
        on_select="rerun",
        selection_mode=PLACE,
        key="place_means",
        width="stretch",
    )
    st.data_editor(
        st.session_state.start_table,
        key="start_editor",
        hide_index=True,
        disabled=["component"],
        num_rows="fixed",
        column_config={c: st.column_config.NumberColumn(format="%.4g") for c in ("weight", "mean", "sd")},
    )
    if problem:
        st.error(problem)
    elif notes:
        st.caption("Your start, as EM will run from it: " + "; ".join(notes) + ".")


# -------------------------------------------------------------------------- fits
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

    def progress(start, iteration, model, log_likelihood):
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
        tol=values.tol,
        rng=values.seed,
        callback=progress,
    )
    slot.empty()
    return history


# ---------------------------------------------------------------------- playback
def show(stacked) -> None:
    """Charts of one screen, one under the other, each as wide as the page."""
    for chart in stacked:
        st.altair_chart(chart, width="stretch")


#: The settings the playback reads; the player changes them in the browser and says so.
PLAYBACK_KEYS = ("every", "fps", "half_steps", "colour_by")

#: What the player's keys do, said under it.
PLAYER_HELP = (
    "Click the playback, then Space plays or pauses, Left and Right step, Home and End go to the start "
    "and the end. Download HTML saves a file that plays offline; Record video saves a WebM."
)


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
    show_fit(st.session_state.shown.key)


def playback_settings(values: Settings) -> dict[str, object]:
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
    if attrs.get("outlier_dominates"):
        st.info(
            "A few values lie far from the rest and take up most of the data's range: check them "
            "(a typo?) before reading the fit."
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
    fitted = final_model(history)
    health = fit_health(data, history)
    degenerate_note(health)
    mixture, components = screens.final_screen(view, fitted, data.true)
    left, right = st.columns(2)
    left.altair_chart(mixture, width="stretch")
    right.altair_chart(components, width="stretch")
    final_table(fitted, data.true, health)
    st.subheader("Scrub through the iterations")


def fit_health(data: Data, history: pd.DataFrame) -> pd.DataFrame:
    """Each fitted component's effective number of points and whether it is degenerate
    (``degeneracy.component_health``), kept for the fit on screen: a pass over the data."""
    stored = st.session_state.get("health")
    if stored is None or stored[0] != st.session_state.play_key:
        health = component_health(
            data.x, final_model(history), float(history.attrs["sd_floor"]), data.weights
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


def final_table(fitted: GMM, true: GMM | None, health: pd.DataFrame) -> None:
    """The fitted components, matched to the true ones when they are known, with the
    points each stands on (N_i = sum_n r_ni) and whether it is degenerate."""
    if true is not None:
        st.markdown("**Fitted components matched to the true ones** (errors: fitted minus true)")
        shown = match_components(true, fitted)
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


Progress = Callable[[float, str], None]


def computed(
    name: str, key: object, pressed: bool, compute: Callable[[Progress], T], problem: str
) -> T | None:
    """The result of a long computation run when ``pressed``, with a progress bar
    (``compute(progress)`` calls ``progress(fraction, text)``), kept in the session under
    ``name`` for ``key``: None until it has run for this key, or when it failed on the
    data (its message shown, followed by ``problem``: what to do)."""
    if pressed:
        bar = st.progress(0.0, text="Starting")
        shown = {"at": 0.0}

        def progress(fraction: float, text: str) -> None:
            now = time.perf_counter()
            if now - shown["at"] > 0.1:  # Streamlit calls are where a click elsewhere stops the run
                shown["at"] = now
                bar.progress(min(max(fraction, 0.0), 1.0), text=text)

        try:
            st.session_state[name] = (key, compute(progress))
        except ValueError as err:
            st.error(f"{err} {problem}")
            return None
        finally:
            bar.empty()
    stored = st.session_state.get(name)
    return stored[1] if stored and stored[0] == key else None


def fit_cached(name: str, make: Callable[[], T]) -> T:
    """``make()``, kept for the fit on screen under ``name`` (dropped with the fit)."""
    stored = st.session_state.get(name)
    if stored is None or stored[0] != st.session_state.play_key:
        stored = (st.session_state.play_key, make())
        st.session_state[name] = stored
    return stored[1]


def goodness_of_fit(data: Data, history: pd.DataFrame, view: screens.DataView) -> None:
    """The data's empirical CDF against the fitted one, and a quantile-quantile plot."""
    with st.expander("Goodness of fit: the data against the fitted distribution"):
        fitted = final_model(history)
        ecdf, qq, ks = fit_cached(
            "goodness",
            lambda: (
                goodness.ecdf_table(data.x, fitted, weights=data.weights),
                goodness.qq_table(data.x, fitted, weights=data.weights),
                goodness.ks_distance(data.x, fitted, weights=data.weights),
            ),
        )
        st.caption(
            f"Kolmogorov-Smirnov distance D = sup_x |F_n(x) - F(x)| = {ks:.3g}: the largest gap between "
            "the share of the data at or below x and the fitted mixture's probability of it. Its usual "
            "p-value assumes a distribution fixed in advance, not fitted to the same data, so none is shown."
        )
        left, right = st.columns(2)
        left.altair_chart(explore.ecdf_chart(ecdf, ks, view.x_title), width="stretch")
        right.altair_chart(explore.qq_chart(qq, view.x_title), width="stretch")


def uncertainty(data: Data, history: pd.DataFrame, view: screens.DataView, values: Settings) -> None:
    """Bootstrap standard errors and percentile intervals of the fitted parameters."""
    with st.expander("Uncertainty: how much would the fit change with other data?"):
        st.caption(
            "The bootstrap refits B data sets like yours, from this fit's parameters: drawn from your data "
            "with replacement (nonparametric) or from the fitted mixture (parametric). The spread of the "
            "refits estimates each parameter's standard error; the middle 95 % of them is the interval."
        )
        n_boot_col, kind_col, run_col = st.columns([1, 1, 1], vertical_alignment="bottom")
        n_boot = n_boot_col.number_input("Replicates, B", 20, 999, 199, step=20, key="n_boot")
        kind = kind_col.selectbox("Resample", KINDS, key="boot_kind")
        key = (st.session_state.play_key, n_boot, kind)
        result = computed(
            "boot",
            key,
            run_col.button("Run the bootstrap", key="run_bootstrap", width="stretch"),
            lambda progress: bootstrap(
                data.x,
                history,
                int(n_boot),
                kind=kind,
                rng=values.seed,
                weights=data.weights,
                callback=lambda done, total: progress(
                    done / total, f"Refitted {done:,} of {total:,} data sets"
                ),
            ),
            "Try the other kind of resampling.",
        )
        if result is None:
            return
        if result.n_failed:
            st.info(
                f"{result.n_failed} of {result.n_boot} resampled data sets could not be fitted "
                "(too few distinct values); they are left out."
            )
        table = result.summary.assign(component=lambda t: t["component"].map(component_label))
        st.dataframe(
            table.rename(
                columns={"se": "standard error", "lower": "2.5 %", "upper": "97.5 %", "n": "replicates"}
            ),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.NumberColumn(format="%.4g")
                for c in ("estimate", "standard error", "2.5 %", "97.5 %")
            },
        )
        st.altair_chart(
            analysis.density_band(
                view.domain,
                result.estimate,
                result.replicates,
                result.level,
                hist=view.hist,
                x_title=view.x_title,
            ),
            width="stretch",
        )
        # a facet cannot stretch: three panels of 220 px fit the main column at 1280 px
        st.altair_chart(
            analysis.bootstrap_histograms(result.replicates, result.summary, result.level, width=220)
        )


# ---------------------------------------------------------------- choosing K
#: Above this many points, Choose K scores a seeded subsample of this size (said on the page).
SCORED_POINTS = 20_000
#: Simulated data sets per likelihood-ratio test, and the tolerance of their fits:
#: mclust's EM default, 1e-5, keeps B = 99 tests to seconds (at 1e-8 a K + 1 fit of
#: K-component data crawls to the iteration limit).
LRT_BOOT, LRT_TOL = 99, 1e-5


def scored_sample(data: Data, seed: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The data and its weights, or a seeded subsample of ``SCORED_POINTS`` rows when larger."""
    if data.x.size <= SCORED_POINTS:
        return data.x, data.weights
    index = np.random.default_rng(seed).choice(data.x.size, SCORED_POINTS, replace=False)
    return data.x[index], None if data.weights is None else data.weights[index]


def choose_k(data: Data, values: Settings) -> None:
    """Information criteria for K = 1..10, and the bootstrap likelihood-ratio test."""
    with st.expander("Choose K: how many components?"):
        st.caption(
            "Fits K = 1 to 10 (3 starts each) and scores each with BIC = -2 log L + p ln n, "
            "AIC = -2 log L + 2 p and ICL = BIC - 2 sum_n log max_i r_ni (BIC plus a penalty for "
            "points the fit cannot place; mclust's definition, with the sign turned so that lower is "
            f"better, like the others). Above {SCORED_POINTS:,} points a seeded subsample is scored. "
            "A cross marks a degenerate fit: a component on fewer than "
            f"{MIN_EFFECTIVE_POINTS:g} points or at the sd floor."
        )
        key = ("select", data.key, values.tied, values.seed)
        x, weights = scored_sample(data, values.seed)
        table = computed(
            "selection",
            key,
            st.button("Compute BIC, AIC and ICL", key="select_k"),
            # K above the number of distinct values is left out by select_k
            lambda progress: selection.select_k(
                x,
                range(1, 11),
                weights=weights,
                n_init=3,
                rng=values.seed,
                tied_sd=values.tied,
                callback=lambda k: progress(k / 10, f"Fitted K = {k}, fitting K = {k + 1}"),
            ),
            "Choose K needs data with at least two distinct values.",
        )
        if table is not None:
            criterion_col, include_col = st.columns(2, vertical_alignment="bottom")
            criterion = criterion_col.segmented_control(
                "Criterion", ["bic", "aic", "icl"], format_func=str.upper, default="bic", key="criterion"
            )
            include = include_col.toggle(
                "Include degenerate fits",
                key="include_degenerate",
                help="By default the best K is chosen among fits with no degenerate component: a spike on "
                "two points raises the likelihood without describing the data.",
            )
            criterion = criterion or "bic"
            best = selection.best_k(table, criterion, include_degenerate=include)
            st.altair_chart(trace.selection_chart(table, best, criterion), width="stretch")
            st.button(f"Use K = {best}", on_click=lambda: st.session_state.update(n_fit=best), key="use_k")
        likelihood_ratio_tests(data, values)


def likelihood_ratio_tests(data: Data, values: Settings) -> None:
    """The sequential bootstrap test of K against K + 1, with its LRT* histograms."""
    st.markdown(
        f"**Bootstrap likelihood-ratio test** (mclust's `mclustBootstrapLRT`): for K = 1, 2, ..., "
        f"LRT = 2 (log L of K + 1 - log L of K), compared with its values on {LRT_BOOT} data sets drawn "
        "from the K-component fit: p = (1 + #{LRT* >= LRT}) / (B + 1). It stops at the first K not "
        "rejected at 5 %."
    )
    key = ("lrt", data.key, values.tied, values.seed)
    x, weights = scored_sample(data, values.seed)
    tests = computed(
        "lrt",
        key,
        st.button(f"Run the test (B = {LRT_BOOT})", key="run_lrt"),
        lambda progress: bootstrap_lrt(
            x,
            weights=weights,
            max_k=min(values.n_fit + 2, 10),
            n_boot=LRT_BOOT,
            rng=values.seed,
            tol=LRT_TOL,
            tied_sd=values.tied,
            callback=lambda k, done, total: progress(
                done / total, f"Testing K = {k} against K = {k + 1}: {done} of {total} data sets"
            ),
        ),
        "The test needs data with a few distinct values.",
    )
    if tests is None:
        return
    st.dataframe(
        tests.table[["k", "k_alt", "lrt", "p_value", "b"]].rename(
            columns={"k": "K", "k_alt": "against K", "lrt": "LRT", "p_value": "p", "b": "B"}
        ),
        hide_index=True,
        column_config={
            "LRT": st.column_config.NumberColumn(format="%.3g"),
            "p": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    st.caption(f"Selected: K = {tests.selected_k}.")
    for column, row in zip(st.columns(len(tests.table)), tests.table.itertuples(), strict=True):
        column.altair_chart(
            analysis.lrt_histogram(tests.replicates, row.lrt, int(row.k), int(row.k_alt), row.p_value),
            width="stretch",
        )


def explored_init(values: Settings) -> str:
    """The start Explore starts draws: the sidebar's, or k-means++ when it is your own (one
    start, the same every time)."""
    return "kmeans++" if values.init == CUSTOM else values.init


def explore_starts(data: Data, values: Settings, view: screens.DataView) -> None:
    """Where EM's starts end: the final -log L of each, and any start played back."""
    with st.expander("Explore starts: does every start reach the same fit?"):
        st.caption(
            "EM climbs to the nearest maximum of log L from where it starts. This runs S starts "
            f"({INIT_LABELS[explored_init(values)]}, seeds drawn from the seed) with K = {values.n_fit}, and shows where "
            "each ended: a start whose final log L is within 1e-6 (relative) of the best reached it."
        )
        n_col, run_col = st.columns(2, vertical_alignment="bottom")
        n_starts = n_col.number_input("Starts, S", 2, 100, 20, key="n_starts")
        key = (values.fit_key(data.key), n_starts)
        starts = computed(
            "starts",
            key,
            run_col.button(f"Run {n_starts} starts", key="run_starts", width="stretch"),
            lambda progress: fit_starts(
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
                    (start + iteration / values.max_iter) / n_starts, f"Start {start + 1} of {n_starts}"
                ),
            ),
            "Change the data or the number of fitted components.",
        )
        if starts is None:
            return
        summary = explore.start_summary(starts)
        best_row = summary.loc[summary["final_log_likelihood"].idxmax()]
        worst_row = summary.loc[summary["final_log_likelihood"].idxmin()]
        st.markdown(
            f"**{int(summary['reached_best'].sum())} of {len(summary)} starts reached the best fit** "
            f"(-log L = {-best_row.final_log_likelihood:,.2f}); the worst ended at "
            f"-log L = {-worst_row.final_log_likelihood:,.2f}."
        )
        number = st.selectbox(
            "Start to play",
            summary["start"].tolist(),
            index=int(best_row.start) - explore.START_OFFSET,
            format_func=lambda n: f"start {n}: -log L = {-summary.loc[n - 1, 'final_log_likelihood']:,.2f}",
            key="chosen_start_number",
        )
        st.altair_chart(explore.starts_chart(summary, selected=number), width="stretch")
        st.button(
            f"Play start {number}",
            on_click=play_start,
            args=(values.fit_key(data.key), starts, number),
            key="play_start",
            icon=":material/play_arrow:",
        )
        best_col, worst_col = st.columns(2)
        for column, row, name in ((best_col, best_row, "best"), (worst_col, worst_row, "worst")):
            model = final_model(explore.start_history(starts, int(row.start)))
            chart = screens.final_screen(view, model)[0].properties(
                title=f"The {name} start, {int(row.start)}: -log L = {-row.final_log_likelihood:,.2f}"
            )
            column.altair_chart(chart, width="stretch")


def play_start(fit_key: tuple[object, ...], starts: pd.DataFrame, number: int) -> None:
    """Play start ``number`` of an exploration as if it were the fit."""
    history = explore.start_history(starts, number)
    key = (*fit_key, "start", number)
    session_fits().put(key, history)
    st.session_state.chosen_start = (fit_key, number)
    show_fit(key)


def explain(tol: float) -> None:
    """The algorithm in the charts' notation; symbols in the prose are typeset as in the formulas."""
    with st.expander("The EM algorithm, in the notation of the charts"):
        st.markdown("The mixture density is a weighted sum of $K$ Gaussians:")
        st.latex(
            r"p(x) = \sum_{i=1}^{K} p(y=i)\, p(x \mid y=i) = \sum_{i=1}^{K} w_i\, \mathcal{N}(x;\, \mu_i, \sigma_i^2)"
        )
        st.markdown(
            "**E-step**: the responsibility of component $i$ for point $x_n$ (its colour in the strip "
            "is the component with the largest one):"
        )
        st.latex(
            r"r_{ni} = p(y=i \mid x_n) = "
            r"\frac{w_i\, \mathcal{N}(x_n; \mu_i, \sigma_i^2)}{\sum_j w_j\, \mathcal{N}(x_n; \mu_j, \sigma_j^2)}"
        )
        st.markdown("**M-step**: weighted counts, means and standard deviations:")
        st.latex(
            r"N_i = \sum_n r_{ni},\quad w_i = \frac{N_i}{N},\quad \mu_i = \frac{1}{N_i}\sum_n r_{ni} x_n,\quad "
            r"\sigma_i^2 = \frac{1}{N_i}\sum_n r_{ni} (x_n - \mu_i)^2"
        )
        st.markdown(
            "Each iteration never lowers the log-likelihood $\\log L$; the fit stops when its relative gain "
            f"$(\\log L_t - \\log L_{{t-1}}) / |\\log L_t|$ falls below the tolerance, ${tol:.1e}$:"
        )
        st.latex(r"\log L = \sum_n \log \sum_i w_i\, \mathcal{N}(x_n; \mu_i, \sigma_i^2)")


# ------------------------------------------------------------------------ page
load_link_settings()
apply_player_report()
values, fit_pressed = sidebar()
note_playback_settings(values)

st.title("EM fitting a 1-D Gaussian mixture")
if st.session_state.link_warnings and values == st.session_state.link_settings:
    st.warning(
        "This link's settings were not all valid; these use their defaults: "
        + "; ".join(st.session_state.link_warnings)
        + "."
    )

data = current_data(values)
if data is None:
    st.query_params.from_dict(link_query(values))
    st.stop()
view = data_view(data.key, data.x, values.seed, data.x_title, values.bins, data.weights)
if values.init == CUSTOM:  # the link carries your start as it stands
    start_model = custom_start(data, values)[0]
    if start_model is not None:
        st.session_state.start = custom.encode_start(start_model)
        values = values.replace(start=st.session_state.start)
query = link_query(values)
st.query_params.from_dict(query)
truth = [data.true] if data.true is not None else []
y_max = screens.y_ceiling(view, truth)
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

key = values.fit_key(data.key)
store = session_fits()
chosen = st.session_state.get("chosen_start")
if fit_pressed or not chosen or chosen[0] != key:
    st.session_state.pop("chosen_start", None)
else:
    key = (*key, "start", chosen[1])  # a start of "Explore starts", played as the fit
shown = st.session_state.get("shown")
if shown is not None and shown.key != key:
    st.session_state.pop("shown", None)  # a fit always belongs to the data and settings on screen

# The page's places, made in the same order on every run: the final view (or the data),
# the playback, the final view's analyses. The player keeps its place whatever a run draws
# around it (a frame that moved on the page would load again, its state lost).
above, playback, below = st.container(), st.container(), st.container()
slot = playback.empty()  # the fit's progress, then the player

if fit_pressed:
    try:
        check_fittable(data.x, values.n_fit, data.weights)
        if values.init == CUSTOM and custom_start(data, values)[2]:
            raise ValueError(custom_start(data, values)[2])
    except ValueError as err:
        above.error(f"{err} Change the data or the number of fitted components.")
    else:
        fitted = store.get(key)
        if fitted is None:
            fitted = run_fit(data, values, view, slot)
            store.put(key, fitted)
        show_fit(key)

history = store.get(key) if "shown" in st.session_state else None
if history is None:
    st.session_state.pop("shown", None)
    with above:
        if values.init == CUSTOM:
            your_start(data, view, values)
        else:
            show(screens.data_screen(view))
else:
    y_max = screens.y_ceiling(view, [*truth, model_at(history, 0), final_model(history)])
    if st.session_state.shown.final:
        with above:
            final_view(history, data, view, y_max, values)
    with slot.container():
        player(history, data, view, y_max, values)
    if st.session_state.shown.final:
        with below:
            goodness_of_fit(data, history, view)
            uncertainty(data, history, view, values)

choose_k(data, values)
explore_starts(data, values, view)
explain(values.tol)
