"""Classify new data with the fit on screen: a second file, read as the data upload reads
one, each value's component, responsibilities and uncertainty, and where the new values
differ from the fitted ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from emgmm.app import text
from emgmm.app.difference import difference_sentence
from emgmm.history import final_model
from emgmm.io import parsing
from emgmm.io.weighting import NO_WEIGHTS
from emgmm.noise import final_noisy_model, has_noise
from emgmm.page.fit import fit_cached
from emgmm.page.store import Data
from emgmm.page.upload import column_data, parsed_upload
from emgmm.prediction import compare_assignments, predict
from emgmm.viz import classify, screens
from emgmm.viz.style import component_label

#: Rows of the per-point table shown on the page; the download has every row.
SHOWN_ROWS = 1000


def classify_new_data(data: Data, history: pd.DataFrame, view: screens.DataView, seed: int) -> None:
    """New values (a second file, or a paste) classified with the fit on screen, against the
    fitted data."""
    with st.expander("Classify new data with this fit: where does a second file differ?"):
        st.caption(
            "Upload another file of the same kind of values, or paste them: each value goes to the component "
            "most responsible for it under this fit (r_i, the same responsibilities as EM's E-step), with "
            "its uncertainty 1 - max r_i. Nothing is refitted."
        )
        read = new_values(data.x_title)
        if read is None:
            return
        name, x_new, weights = read
        if has_noise(
            history
        ):  # the charts and shares here are the Gaussians' (never the uniform read as a normal)
            st.caption(text.without_noise("Classifying new values"))
            model = final_noisy_model(history).gaussians
        else:
            model = final_model(history)
        new = predict(x_new, model)
        # the fitted data's classification: a pass over it, once per fit on screen
        fitted = fit_cached("fitted_prediction", lambda: predict(data.x, model))
        comparison = compare_assignments(fitted, new, first_weights=data.weights, second_weights=weights)
        fitted_range = (float(np.min(data.x)), float(np.max(data.x)))
        st.markdown(difference_sentence(comparison, x_new, fitted_range))
        top, strip = classify.new_values_charts(
            model,
            new,
            fitted_range,
            classify.new_domain(view.domain, x_new),
            seed,
            weights,
            x_title=view.x_title,
        )
        st.altair_chart(top, width="stretch")
        st.altair_chart(strip, width="stretch")
        left, right = st.columns(2)
        left.altair_chart(classify.shares_chart(comparison), width="stretch")
        right.dataframe(shares_table(comparison), hide_index=True)
        points_table(new if weights is None else new.assign(weight=weights), name)


def new_values(x_title: str) -> tuple[str, np.ndarray, np.ndarray | None] | None:
    """The new values (a file, else a paste), read as the data's upload and paste are read:
    their name, values and weights; None, after saying what to fix, when there are none."""
    file_col, paste_col = st.columns(2)
    upload = file_col.file_uploader(
        "A second CSV file",
        type=["csv", "txt", "tsv"],
        key="classify_upload",
        help="Read as the data upload reads a file: comma, semicolon or tab separated, with or without "
        f"a header; up to 50 MB and {parsing.MAX_ROWS:,} rows.",
    )
    pasted = paste_col.text_area(
        "or paste numbers",
        key="classify_paste",
        height=100,
        max_chars=parsing.MAX_PASTE_CHARS,
        placeholder="1.2, 3.4, 5.6 ...",
        help="Separated by commas, spaces or new lines; a file, when there is one, is read instead.",
    )
    if upload is None and not pasted.strip():
        return None
    name = upload.name if upload is not None else "Pasted values"
    try:
        if upload is None:
            values, weights, column = parsing.parse_numbers(pasted), None, ""
            note = f"; {values.note()}" if values.note() else ""
        else:
            table = parsed_upload(upload.file_id, upload.getvalue())
            column, weight_column = pick_columns(table, x_title)
            values, weights, note = column_data(table, column, weight_column)
            column = f", column '{column}'"
    except ValueError as err:
        st.error(f"{name}: {err}")
        return None
    st.caption(f"{name}{column}: {text.count(values.x.size, 'value')}{note}.")
    return name, values.x, weights


def pick_columns(table: parsing.ParsedTable, x_title: str) -> tuple[str, str]:
    """The second file's value column and weight column, picked as the sidebar picks the
    data's: by default the column named as the fitted values, else the reader's choice."""
    names = list(table.columns)
    if len(names) == 1:
        return names[0], NO_WEIGHTS
    if st.session_state.get("classify_column") not in names:  # a new file
        st.session_state.classify_column = x_title if x_title in names else parsing.default_column(table)
    if st.session_state.get("classify_weights") not in names:
        st.session_state.classify_weights = NO_WEIGHTS
    column_col, weight_col = st.columns(2)
    column = column_col.selectbox("Column", names, key="classify_column", help="The values to classify.")
    weight_column = weight_col.selectbox(
        "Weights",
        [NO_WEIGHTS, *(n for n in names if n != column)],
        key="classify_weights",
        help="A column of counts: each row then stands for that many values (binned data).",
    )
    return column, weight_column


def shares_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """``compare_assignments``' table as the page shows it: shares in per cent."""
    return pd.DataFrame(
        {
            "component": [component_label(int(c)) for c in comparison["component"]],
            "fitted data, %": 100 * comparison["share_first"],
            "new values, %": 100 * comparison["share_second"],
            "mean uncertainty, new values": comparison["mean_uncertainty_second"],
        }
    ).round({"fitted data, %": 1, "new values, %": 1, "mean uncertainty, new values": 3})


def points_table(new: pd.DataFrame, name: str) -> None:
    """The first ``SHOWN_ROWS`` values' table, and every row as a CSV download."""
    shown = new if len(new) <= SHOWN_ROWS else new.head(SHOWN_ROWS)
    st.markdown(
        "**Each new value**: its component, every responsibility r_i and the uncertainty 1 - max r_i"
        + (
            f" (the first {SHOWN_ROWS:,} of {len(new):,} rows; the download has all)"
            if len(new) > SHOWN_ROWS
            else ""
        )
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=240,
        column_config={
            c: st.column_config.NumberColumn(format="%.4g") for c in shown.columns if c != "component"
        },
    )
    stem = name.rsplit(".", 1)[0].replace(" ", "_").lower()
    st.download_button(
        "Classified values",
        lambda: new.to_csv(index=False),  # made on click: a large file's table is not built on every rerun
        file_name=f"{stem}_classified.csv",
        mime="text/csv",
        icon=":material/download:",
        help="CSV, one row per new value: value, component, r1 .. rK, uncertainty (and its weight).",
        key="classified_download",
    )
