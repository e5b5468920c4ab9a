"""Turning a user's uploaded file or pasted text into numbers: parsed as data only,
never executed or unpickled, with a count of what was dropped and why."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Rows accepted from a file or a paste (the dashboard's largest data set).
MAX_ROWS = 1_000_000
#: Separators tried, in order of preference on a tie.
SEPARATORS = (",", ";", "\t")
_NUMBER_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class ParsedTable:
    """Numeric columns of a parsed file.

    Attributes
    ----------
    columns : dict of str to ndarray
        Each column that holds at least one number, as float64 (NaN where a cell was not
        a finite number).
    n_rows : int
        Data rows read (header excluded).
    separator : str
    has_header : bool
    """

    columns: dict[str, np.ndarray] = field(default_factory=dict)
    n_rows: int = 0
    separator: str = ","
    has_header: bool = False


@dataclass(frozen=True)
class Values:
    """Finite values taken from a column or a paste, and how many entries were dropped."""

    x: np.ndarray
    n_total: int
    n_dropped: int

    def note(self) -> str:
        """A line for the page, e.g. 'dropped 3 of 1,204 rows: not a number'."""
        if self.n_dropped == 0:
            return ""
        return f"dropped {self.n_dropped:,} of {self.n_total:,} rows: not a number"


def _decode(content: bytes) -> str:
    if not content or not content.strip():
        raise ValueError("The file is empty: upload a CSV file with a column of numbers.")
    head = content[:8192]
    if b"\x00" in head:
        raise ValueError(
            "This file holds binary data, not text: upload a CSV or plain-text file "
            "(for a spreadsheet, save it as CSV first)."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:8192])
    if printable < 0.95 * min(len(text), 8192):
        raise ValueError(
            "This file does not look like text: upload a CSV or plain-text file "
            "(for a spreadsheet, save it as CSV first)."
        )
    return text


def _separator(lines: list[str]) -> str:
    """The separator found the same number of times (at least once) on the most lines."""
    best, best_score = ",", 0
    for sep in SEPARATORS:
        counts = [line.count(sep) for line in lines]
        if not counts or max(counts) == 0:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) if mode > 0 else 0
        if score > best_score:
            best, best_score = sep, score
    return best


def _is_number(text: str, decimal: str) -> bool:
    try:
        float(text.strip().replace(decimal, ".") if decimal != "." else text)
        return True
    except ValueError:
        return False


def parse_table(content: bytes, max_rows: int = MAX_ROWS) -> ParsedTable:
    """Parse CSV bytes (comma, semicolon or tab separated; header optional).

    A semicolon-separated file whose cells use decimal commas ("1,5;2,25") is read
    with ``,`` as the decimal mark.

    Raises
    ------
    ValueError
        With what to do: empty or binary content, more than ``max_rows`` rows, or no
        column that holds numbers.
    """
    text = _decode(content)
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    sep = _separator(lines)
    decimal = "," if sep == ";" and re.search(r"\d,\d", "\n".join(lines)) else "."
    first = [cell.strip().strip('"') for cell in lines[0].split(sep)]
    has_header = not any(_is_number(cell, decimal) for cell in first if cell)
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=0 if has_header else None,
            dtype=str,
            nrows=max_rows + 1,
            skip_blank_lines=True,
            on_bad_lines="skip",
            engine="python",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        raise ValueError(f"This file could not be read as CSV ({err}); check its separator.") from None
    if len(table) > max_rows:
        raise ValueError(
            f"The file has more than {max_rows:,} rows: keep at most {max_rows:,} "
            "(for example a random sample of the rows)."
        )
    if not has_header:
        table.columns = [f"column {i + 1}" for i in range(table.shape[1])]
    columns = {}
    for name in table.columns:
        cells = table[name].astype(str).str.strip().str.strip('"')
        if decimal == ",":
            cells = cells.str.replace(",", ".", regex=False)
        values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64, copy=True)
        values[~np.isfinite(values)] = np.nan
        if np.isfinite(values).any():
            columns[str(name)] = values
    if not columns:
        raise ValueError(
            "No column of this file holds numbers: upload a CSV with at least one numeric "
            "column (one value per row)."
        )
    return ParsedTable(columns, len(table), sep, has_header)


def column_values(table: ParsedTable, column: str) -> Values:
    """The finite values of one column, with the count of rows dropped."""
    values = table.columns[column]
    keep = np.isfinite(values)
    return Values(values[keep].copy(), int(values.size), int((~keep).sum()))


def parse_numbers(text: str, max_rows: int = MAX_ROWS) -> Values:
    """Numbers from pasted text, separated by commas, semicolons, spaces or new lines.

    Raises
    ------
    ValueError
        If the text holds no number, or more than ``max_rows`` entries.
    """
    tokens = [t for t in _NUMBER_SPLIT.split(text.strip()) if t]
    if not tokens:
        raise ValueError("Nothing to read: paste numbers separated by commas, spaces or new lines.")
    if len(tokens) > max_rows:
        raise ValueError(f"More than {max_rows:,} numbers pasted: keep at most {max_rows:,}.")
    values = pd.to_numeric(pd.Series(tokens), errors="coerce").to_numpy(dtype=np.float64)
    keep = np.isfinite(values)
    if not keep.any():
        raise ValueError("No number found in the pasted text: paste numbers such as 1.5, 2, 3e2.")
    return Values(values[keep], len(tokens), int((~keep).sum()))
