"""Cells as numbers: plain numbers as they are, and numbers holding a comma read either
as thousands separators (1,250) or as decimal commas (2,5), whichever the cells of the
whole file or paste agree on, or neither when they disagree."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from emgmm.io.sniff import DECIMAL, SPACE_GROUPED, THOUSANDS

# kinds of a cell holding a comma
THOUSANDS_ONLY, DECIMAL_ONLY, EITHER, NEITHER = 0, 1, 2, 3
_STRIP = ' \t\r\n"'
#: A number as pandas' C parser reads it (infinities and NaN are dropped anyway): ASCII
#: digits only, as the parser wants them (other digits are made ASCII first, `_ascii_digits`).
_PLAIN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: Cells turned into Python strings at a time.
_SLICE = 250_000


@dataclass
class Cells:
    """A chunk of one column as float64, with its cells that hold a comma set aside until
    the reading of commas is decided. A column is a list of these, one per chunk read.

    Attributes
    ----------
    values : ndarray of shape (n_rows,)
        Each plain cell as a number (NaN if it is not one, and at every comma cell).
    comma_rows : ndarray of int
        Rows of the cells holding a comma, within the chunk.
    kinds : ndarray of int8
        For each comma cell: THOUSANDS_ONLY (1,250,000), DECIMAL_ONLY (2,5), EITHER
        (1,250) or NEITHER (1,2,3).
    comma_text : Series of str
        The comma cells, stripped.
    first : dict of int to (int, str)
        For each kind present, the row (in the whole column) and text of its first cell.
    """

    values: np.ndarray
    comma_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    kinds: np.ndarray = field(default_factory=lambda: np.empty(0, np.int8))
    comma_text: pd.Series = field(default_factory=lambda: pd.Series([], dtype="str"))
    first: dict[int, tuple[int, str]] = field(default_factory=dict)


def _numbers(text: pd.Series, mode: str = "") -> np.ndarray:
    """Cells as float64, NaN where a cell is not a plain number; with a ``mode``, cells
    known to fit it, read with their commas as thousands separators or decimal marks.

    pandas' C parser reads the numbers, joined one a line: four times faster than
    ``pd.to_numeric`` on strings (and the commas are replaced in the joined text).
    """
    ok = np.ones(len(text), bool) if mode else text.str.fullmatch(_PLAIN).to_numpy(dtype=bool, na_value=False)
    numbers = text if mode else text[ok]
    read = np.empty(len(numbers))
    for lo in range(0, len(numbers), _SLICE):  # a slice at a time: Python strings are large
        lines = "\n".join(numbers.iloc[lo : lo + _SLICE].tolist())
        if mode:
            lines = lines.replace(",", "" if mode == "thousands" else ".")
        column = pd.read_csv(
            io.BytesIO(lines.encode()), header=None, names=[0], dtype=np.float64, engine="c", na_filter=False
        )
        read[lo : lo + _SLICE] = column[0].to_numpy()
    if mode:
        return read
    values = np.full(len(text), np.nan)
    values[ok] = read
    return values


def _ascii_digits(cell: str) -> str:
    """The cell with full-width forms made plain (NFKC: "１７．５" is "17.5") and every other
    decimal digit written in ASCII (Arabic-Indic "١٧" is "17"): the digits they are."""
    plain = unicodedata.normalize("NFKC", cell)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in plain)


def convert(column: pd.Series, offset: int = 0) -> Cells:
    """The cells of one column (as pandas read them) as numbers; ``offset`` numbers the rows."""
    if column.dtype.kind in "fiub":
        return Cells(column.to_numpy(dtype=np.float64, copy=True))
    text = column.astype("str").str.strip(_STRIP)
    other = ~text.str.isascii().to_numpy(dtype=bool, na_value=True) & text.notna().to_numpy()
    if other.any():  # rare: a Python loop over these cells only
        text[other] = text[other].map(_ascii_digits)
    # thousands grouped by spaces (NFKC made the no-break ones plain): "1 250,5" is "1250,5"
    spaced = text.str.contains(" ", regex=False).to_numpy(dtype=bool, na_value=False)
    if spaced.any():
        grouped = text[spaced].str.fullmatch(SPACE_GROUPED).to_numpy(dtype=bool, na_value=False)
        rows = np.flatnonzero(spaced)[grouped]
        text.iloc[rows] = text.iloc[rows].str.replace(" ", "", regex=False)
    comma = text.str.contains(",", regex=False).to_numpy(dtype=bool, na_value=False)
    if not comma.any():
        return Cells(_numbers(text))
    values = np.full(len(text), np.nan)
    if not comma.all():
        values[~comma] = _numbers(text[~comma])
    rows = np.flatnonzero(comma)
    cells = text.iloc[rows].reset_index(drop=True)
    is_t = cells.str.fullmatch(THOUSANDS).to_numpy(dtype=bool, na_value=False)
    is_d = cells.str.fullmatch(DECIMAL).to_numpy(dtype=bool, na_value=False)
    kinds = np.select([is_t & is_d, is_t, is_d], [EITHER, THOUSANDS_ONLY, DECIMAL_ONLY], NEITHER)
    first = {}
    for kind in np.unique(kinds):
        i = int(np.argmax(kinds == kind))
        first[int(kind)] = (offset + int(rows[i]), str(cells.iloc[i]))
    return Cells(values, rows, kinds.astype(np.int8), cells, first)


@dataclass(frozen=True)
class Commas:
    """How the commas inside numbers are read.

    Attributes
    ----------
    mode : str
        "thousands", "decimal" or "" (no number holds a comma).
    neither : (int, int, str) or None
        The first cell (column, row, text) with a comma that fits neither reading.
    conflict : pair of (int, int, str), or None
        When the cells disagree: the first cell that reads as thousands, the first
        that can only be a decimal comma.
    """

    mode: str
    neither: tuple[int, int, str] | None = None
    conflict: tuple[tuple[int, int, str], tuple[int, int, str]] | None = None


def decide(columns: Sequence[Sequence[Cells]], decimal_first: bool = False) -> Commas:
    """The reading of commas shared by the columns.

    Where semicolons separate the numbers (``decimal_first``), commas are decimal marks,
    and a cell that can only be thousands (1,250,000) is not a number. Otherwise: decimal
    if every comma cell can be a decimal comma and one can only be (2,5); thousands if
    every one can be thousands (1,250); a conflict when some can only be decimals and
    others read as thousands (2,5 and 1,250).
    """

    def first(*kinds: int) -> tuple[int, int, str] | None:
        found = [
            (p.first[k][0], j, p.first[k][1])
            for j, c in enumerate(columns)
            for p in c
            for k in kinds
            if k in p.first
        ]
        row, j, text = min(found, default=(0, -1, ""))
        return (j, row, text) if j >= 0 else None

    if decimal_first:
        return Commas("decimal" if first(DECIMAL_ONLY, EITHER) else "", first(NEITHER, THOUSANDS_ONLY))
    thousands, decimal = first(THOUSANDS_ONLY, EITHER), first(DECIMAL_ONLY)
    conflict = (thousands, decimal) if thousands and decimal else None
    mode = "decimal" if decimal else "thousands" if thousands else ""
    return Commas(mode, first(NEITHER), conflict)


_FITS = {"thousands": (THOUSANDS_ONLY, EITHER), "decimal": (DECIMAL_ONLY, EITHER)}


def finish(column: Sequence[Cells], mode: str) -> np.ndarray:
    """The column as float64, comma cells read by ``mode``; NaN wherever no finite number is."""
    for part in column:  # in place, chunk by chunk
        if mode and part.comma_rows.size:
            fits = np.isin(part.kinds, _FITS[mode])
            part.values[part.comma_rows[fits]] = _numbers(part.comma_text[fits], mode)
        part.values[~np.isfinite(part.values)] = np.nan
    return np.concatenate([part.values for part in column]) if column else np.empty(0)


def read_as(column: Sequence[Cells], mode: str) -> str:
    """How the column's commas were read, with its first example, e.g.
    'read 1,250 as 1250 (thousands separators)'; "" if it has none."""
    examples = [part.first[k] for part in column for k in _FITS.get(mode, ()) if k in part.first]
    if not examples:
        return ""
    text = min(examples)[1]
    value = float(text.replace(",", "" if mode == "thousands" else "."))
    label = "thousands separators" if mode == "thousands" else "decimal commas"
    return f"read {text} as {np.format_float_positional(value, trim='-')} ({label})"
