"""Your own start: the data to click means on, and the table of the start to edit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from emgmm.app import custom
from emgmm.app.settings import Settings
from emgmm.model import GMM
from emgmm.page.store import Data
from emgmm.scaling import sd_floor_for
from emgmm.viz import screens
from emgmm.viz.start import PLACE, placing_chart


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
