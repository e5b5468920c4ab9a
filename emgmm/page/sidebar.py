"""The sidebar: the controls (data, fit, playback), the settings a shared link carries,
and the warning when a link held values the page could not take."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st
import streamlit.components.v1 as components

import emgmm.app
from emgmm import datasets
from emgmm.app import settings
from emgmm.app.links import DATA_PARAM, decode_paste, encode_paste
from emgmm.app.settings import Settings
from emgmm.app.text import COLOUR_LABELS, EXAMPLE_TEXT, INIT_LABELS, SOURCE_LABELS
from emgmm.io import parsing

# Invisible: on a phone, closes the sidebar (which covers the page) when Fit is pressed,
# and reports a file the uploader refused in the browser (emgmm/app/sidebar_watch).
sidebar_watch = components.declare_component(
    "sidebar_watch", path=str(Path(emgmm.app.__file__).parent / "sidebar_watch")
)


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
    """A fresh random seed (New data, New start)."""
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
    """A select box drawn from the setting's spec, its choices shown by ``labels``."""
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
            for key in ("tied", "prior", "noise"):
                st.toggle(settings.BY_KEY[key].label, key=key, help=settings.BY_KEY[key].help)
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


def link_warning(values: Settings) -> None:
    """Which settings of the link the page opened with were refused, while they stand."""
    if st.session_state.link_warnings and values == st.session_state.link_settings:
        st.warning(
            "This link's settings were not all valid; these use their defaults: "
            + "; ".join(st.session_state.link_warnings)
            + "."
        )
