"""Your own start: the table a person edits (or fills by clicking the data), read into a
model EM can start from, and its form in a link.

Rules, stated once: weights are made to sum to 1 (a person types 1 1 2, not 0.25 0.25
0.5), sds are raised to the fit's floor, and each change is said in a note; what cannot be
a start (a negative weight, all weights 0, a value that is not a finite number) is refused
with a message that says what to change.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..history import PARAMETERS, component_numbers
from ..model import GMM

#: The columns of the start table, as the page shows them.
COLUMNS = ("component", *PARAMETERS)


def default_table(x: np.ndarray, n_components: int) -> pd.DataFrame:
    """A first start to edit: equal weights, means at evenly spaced quantiles of ``x``,
    every sd the data's sd over K (floored away from 0 for data with one value)."""
    probs = (np.arange(n_components) + 0.5) / n_components
    means = np.quantile(x, probs)
    spread = float(np.std(x)) / n_components
    sd = spread if spread > 0 else max(abs(float(np.mean(x))), 1.0) * 1e-3
    return table_of(GMM(np.full(n_components, 1.0 / n_components), means, np.full(n_components, sd)))


def table_of(model: GMM) -> pd.DataFrame:
    """A model as the start table: one row per component, numbered from 1."""
    return pd.DataFrame(
        {
            "component": component_numbers(model.n_components),
            "weight": model.weights,
            "mean": model.means,
            "sd": model.sds,
        }
    )


def resized(table: pd.DataFrame, n_components: int, x: np.ndarray) -> pd.DataFrame:
    """``table`` with ``n_components`` rows: extra rows dropped, missing ones taken from
    ``default_table`` (a change of K keeps what the person set)."""
    if len(table) == n_components:
        return table
    fresh = default_table(x, n_components)
    keep = min(len(table), n_components)
    rows = pd.concat([table.iloc[:keep], fresh.iloc[keep:]], ignore_index=True)
    return rows.assign(component=component_numbers(n_components))


def place_mean(table: pd.DataFrame, x: float, clicks: int) -> pd.DataFrame:
    """The table with the mean of component ``clicks mod K`` + 1 moved to ``x``: clicks on
    the data place the means in turn."""
    out = table.copy()
    out.loc[clicks % len(out), "mean"] = float(x)
    return out


def read_start(table: pd.DataFrame, sd_floor: float) -> tuple[GMM, list[str]]:
    """The start a table describes, and notes on what was changed to make it one.

    Raises
    ------
    ValueError
        Naming the row and column, when a cell is not a finite number, a weight is
        negative, or every weight is 0.
    """
    values = {}
    for column in PARAMETERS:
        cells = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(cells))
        if bad.size:
            raise ValueError(f"Your start: the {column} of C{bad[0] + 1} is not a number; type one in.")
        values[column] = cells
    weights, sds = values["weight"], values["sd"]
    if np.any(weights < 0):
        i = int(np.flatnonzero(weights < 0)[0])
        raise ValueError(
            f"Your start: the weight of C{i + 1} is negative ({weights[i]:g}); weights are shares, 0 or more."
        )
    total = float(weights.sum())
    if total <= 0:
        raise ValueError("Your start: every weight is 0; give at least one component a weight.")
    notes = []
    if not math.isclose(total, 1.0, rel_tol=1e-9):
        notes.append(f"weights divided by their sum, {total:.4g}, to sum to 1")
    low = np.flatnonzero(sds < sd_floor)
    if low.size:
        names = ", ".join(f"C{i + 1}" for i in low)
        notes.append(f"sd of {names} raised to the fit's floor, {sd_floor:.3g}")
    return GMM(weights / total, values["mean"], np.maximum(sds, sd_floor)), notes


def encode_start(model: GMM) -> str:
    """The link form of a start: ``weight:mean:sd`` per component, comma-separated, each
    value in the shortest digits that read back to it exactly (a link restarts EM from
    the same bits)."""
    return ",".join(
        ":".join(repr(float(v)) for v in (w, m, s))
        for w, m, s in zip(model.weights, model.means, model.sds, strict=True)
    )


def decode_start(text: str) -> pd.DataFrame:
    """The start table of a link's ``encode_start`` text; ValueError saying what is expected."""
    rows = []
    for part in text.split(","):
        cells = part.split(":")
        try:
            if len(cells) != 3:
                raise ValueError
            rows.append(tuple(float(c) for c in cells))
        except ValueError:
            raise ValueError("weight:mean:sd for each component, separated by commas") from None
    if not rows or len(rows) > 10:
        raise ValueError("1 to 10 components of weight:mean:sd")
    table = pd.DataFrame(rows, columns=list(PARAMETERS))
    return table.assign(component=component_numbers(len(rows)))[list(COLUMNS)]


def apply_edits(table: pd.DataFrame, editor_state: object) -> pd.DataFrame:
    """``table`` with the edits a data editor holds (Streamlit's ``{"edited_rows": {row:
    {column: value}}}``), so the page knows the start before it draws the editor."""
    out = table.copy()
    rows = editor_state.get("edited_rows", {}) if isinstance(editor_state, dict) else {}
    for row, changes in rows.items():
        for column, value in changes.items():
            if column in PARAMETERS and int(row) < len(out):
                out.loc[int(row), column] = value
    return out
