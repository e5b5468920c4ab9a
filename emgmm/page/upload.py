"""An uploaded file: its table read once, the column (and weights) picked in the sidebar,
and what is wrong with it said in the main area."""

from __future__ import annotations

import numpy as np
import streamlit as st

from emgmm.app import text
from emgmm.app.settings import Settings
from emgmm.io import parsing
from emgmm.io.weighting import NO_WEIGHTS, weighted_values
from emgmm.page.store import Data, stored
from emgmm.validation import check_weights


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


def uploaded_data(values: Settings) -> Data | None:
    """The uploaded file's column as data, or None after telling the user what to fix."""
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
    try:
        values_, weights, note = column_data(table, column, weight_column)
    except ValueError as err:
        st.error(f"{name}: {err}")
        return None
    return Data(
        values.data_key(f"{file_id}:{column}:{weight_column}"),
        values_.x,
        None,
        f"{name}, column '{column}': {text.count(values_.x.size, 'value')}{note}",
        x_title=column,
        weights=weights,
    )


def column_data(
    table: parsing.ParsedTable, column: str, weight_column: str = NO_WEIGHTS
) -> tuple[parsing.Values, np.ndarray | None, str]:
    """The values of ``column`` (with their weights from ``weight_column``, unless it is
    ``NO_WEIGHTS``) and what to say about them after the count, e.g. "; weighted by
    'count': ...; dropped 2 of 50 values: not a number" ("" when nothing).

    Raises
    ------
    ValueError
        The weights are refused (by the reader, or by the engine's check, so the page
        refuses what a fit would), with the message for the person.
    """
    if weight_column == NO_WEIGHTS:
        values = parsing.column_values(table, column)
        weights, weighted_note = None, ""
    else:
        weighted = weighted_values(table, column, weight_column)
        check_weights(weighted.weights, weighted.values.x.size)
        values, weights, weighted_note = weighted.values, weighted.weights, f"; {weighted.note()}"
    return values, weights, weighted_note + (f"; {values.note()}" if values.note() else "")
