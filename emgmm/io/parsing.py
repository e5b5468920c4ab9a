"""Turning a user's uploaded file or pasted text into numbers: parsed as text only, never
executed or unpickled. A refusal is a ValueError saying what to do; a reading that could
surprise (commas inside numbers, malformed rows, entries dropped) is said in the note.

Cost is bounded: the cheap checks come first (bytes, characters, the first line's
columns, rows while streaming), and only the numeric columns are parsed, by pandas' C
parser, chunk by chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from emgmm.io import cells, census, encoding, reading, sniff
from emgmm.io.commas import file_commas
from emgmm.io.sniff import SEPARATORS

__all__ = [
    "MAX_COLUMNS",
    "MAX_NUMBERS",
    "MAX_PASTE_CHARS",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "SEPARATORS",
    "ParsedTable",
    "Values",
    "column_values",
    "parse_numbers",
    "parse_table",
    "plural",
]

#: Bytes accepted in an upload (the page's upload limit, `server.maxUploadSize`).
MAX_UPLOAD_BYTES = 50 * 2**20
#: Rows accepted from a file, or numbers from a paste (the dashboard's largest data set).
MAX_ROWS = 1_000_000
#: Columns of a file.
MAX_COLUMNS = 1_000
#: Numbers read from one file, all its numeric columns together (40 MB as float64).
MAX_NUMBERS = 5_000_000
#: Characters of pasted text (a million numbers of up to 19 characters and a separator).
MAX_PASTE_CHARS = 20_000_000
plural = reading.plural
NO_COLUMN = (
    "No column of this file holds numbers: use a CSV with at least one numeric column (one value per row)."
)
_LIST_SEPARATOR = re.compile(rb"[\s;]")
_SLICE = 1 << 22


@dataclass(frozen=True)
class ParsedTable:
    """Numeric columns of a parsed file.

    Attributes
    ----------
    columns : dict of str to ndarray
        Each column that holds at least one number, as float64 (NaN where a cell was not
        a finite number).
    n_rows : int
        Data rows read (header excluded), or numbers in a file of one line.
    separator : str
    has_header : bool
    unit : str
        What one entry is called in notes: "row", or "value" for a file of one line.
    read_as : dict of str to str
        For a column whose numbers hold commas, how they were read.
    remarks : tuple of str
        Malformed rows, e.g. "2 rows have fewer fields than the header (lines 4, 9)".
    negatives : dict of str to (int, float)
        For a column holding a number below 0, the line of the first and that number
        (which a column of counts cannot hold).
    names : tuple of str
        Every column of the file, in its order, numeric or not.
    """

    columns: dict[str, np.ndarray] = field(default_factory=dict)
    n_rows: int = 0
    separator: str = ","
    has_header: bool = False
    unit: str = "row"
    read_as: dict[str, str] = field(default_factory=dict)
    remarks: tuple[str, ...] = ()
    negatives: dict[str, tuple[int, float]] = field(default_factory=dict)
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Values:
    """Finite values taken from a column or a paste, how many entries were dropped, and
    what the reader should know about how they were read."""

    x: np.ndarray
    n_total: int
    n_dropped: int
    unit: str = "row"
    read_as: str = ""
    remarks: tuple[str, ...] = ()

    def note(self) -> str:
        """A line for the page, e.g. 'read 1,5 as 1.5 (decimal commas); dropped 3 of
        1,204 rows: not a number'; "" when there is nothing to say."""
        dropped = f"dropped {self.n_dropped:,} of {plural(self.n_total, self.unit)}: not a number"
        parts = [self.read_as, dropped if self.n_dropped else "", *self.remarks]
        return "; ".join(part for part in parts if part)


def parse_table(
    content: bytes, max_rows: int = MAX_ROWS, *, max_bytes: int | None = None, max_numbers: int | None = None
) -> ParsedTable:
    """Parse CSV bytes: comma, semicolon or tab separated (or as Excel's first line
    ``sep=;`` says), header optional, UTF-8, UTF-16, UTF-32 or 8-bit text, any line ends.

    Numbers may hold commas: decimal commas ("1,5" in a semicolon-separated file, or in a
    file of one column) and thousands separators ("1,250", quoted in a comma-separated
    file) are read when the cells agree on which they are. A file of one line is read as a
    list of numbers. The page reads an upload within the default caps; the command line
    reads its files by the same rules, with caps of its own.

    Raises
    ------
    ValueError
        With what to do: too large (bytes, columns, rows, numbers), empty or binary
        content, a row with more fields than the header, commas read both ways, a quote
        never closed, or no column that holds numbers.
    """
    # the page's caps unless others are given (read here, so that a test may lower them)
    max_bytes = MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    max_numbers = MAX_NUMBERS if max_numbers is None else max_numbers
    if len(content) > max_bytes:
        raise ValueError(
            f"The file is {len(content) / 2**20:.0f} MB; at most {max_bytes // 2**20} MB can be read: "
            "keep the column to fit, or a random sample of the rows."
        )
    declared, data = sniff.declared_separator(encoding.decode(content))
    if not sniff.first_line(data)[2]:
        values, n_total, how = _number_list(data, max_rows, "file")
        name = "column 1"
        return ParsedTable(
            {name: values}, n_total, "", False, "value", {name: how} if how else {}, names=(name,)
        )
    _check_lines(data, max_rows)
    shape = sniff.layout(data, MAX_COLUMNS, declared)
    if not shape.numeric:
        raise ValueError(NO_COLUMN)
    remarks: tuple[str, ...] = ()
    if not shape.one_column:
        counted = census.census(data, shape, max_rows)
        n_numbers = counted.n_rows * len(shape.numeric)
        if n_numbers > max_numbers:
            raise ValueError(
                f"This file has {len(shape.numeric):,} numeric columns of {counted.n_rows:,} rows "
                f"({n_numbers:,} numbers); the dashboard reads at most {max_numbers:,}: keep the "
                "column to fit (in a spreadsheet, delete the other columns and save as CSV)."
            )
        remarks = counted.remarks(len(shape.names), shape.has_header)
    parts, n_rows = reading.read_columns(data, shape, max_rows)
    commas = file_commas(data, shape, parts)
    columns, read_as = {}, {}
    for j, part in zip(shape.numeric, parts, strict=True):
        values = cells.finish(part, commas.mode)
        if np.isfinite(values).any():
            name = shape.names[j]
            columns[name] = values
            if note := cells.read_as(part, commas.mode):
                read_as[name] = note
    if not columns:
        raise ValueError(NO_COLUMN)
    negatives = reading.first_negatives(data, shape, columns)
    return ParsedTable(
        columns, n_rows, shape.separator, shape.has_header, "row", read_as, remarks, negatives, shape.names
    )


def _check_lines(data: bytes, max_rows: int) -> None:
    """Refuse a flood of (blank) lines before any line is split."""
    n_lines = max(data.count(b"\n"), data.count(b"\r"))
    if n_lines > 2 * max_rows + 1:
        raise ValueError(
            f"The file has more than {max_rows:,} rows ({n_lines:,} lines, blank ones included): "
            f"keep at most {max_rows:,} rows (for example a random sample of them)."
        )


def column_values(table: ParsedTable, column: str) -> Values:
    """The finite values of one column, with the count of rows dropped and the table's notes."""
    values = table.columns[column]
    keep = np.isfinite(values)
    return Values(
        values[keep].copy(),
        int(values.size),
        int((~keep).sum()),
        table.unit,
        table.read_as.get(column, ""),
        table.remarks,
    )


def parse_numbers(text: str, max_rows: int = MAX_ROWS) -> Values:
    """Numbers from pasted text, separated by new lines, spaces, tabs, semicolons or commas.

    Commas between digits, with other separators around ("1,5; 2,5" or "1,250\\n980"),
    are read as decimal commas or thousands separators when the numbers agree on which.

    Raises
    ------
    ValueError
        If the text is longer than MAX_PASTE_CHARS, holds no number, more than
        ``max_rows`` entries, or commas that read both ways.
    """
    if len(text) > MAX_PASTE_CHARS:
        raise ValueError(
            f"The pasted text has {len(text):,} characters; at most {MAX_PASTE_CHARS:,} can be read: "
            "paste fewer numbers, or upload them as a CSV file."
        )
    if not text.strip():
        raise ValueError("Nothing to read: paste numbers separated by commas, spaces or new lines.")
    values, n_total, read_as = _number_list(text.encode("utf-8", errors="replace"), max_rows, "paste")
    keep = np.isfinite(values)
    return Values(values[keep], n_total, int((~keep).sum()), "value", read_as)


def _number_list(data: bytes, max_rows: int, source: str) -> tuple[np.ndarray, int, str]:
    """A list of numbers (a paste or a file of one line): the values (NaN where an entry is
    not a number), the number of entries, and how commas inside numbers were read."""
    separates = _comma_separates(data)
    unit = "pasted" if source == "paste" else "values"
    part, n = reading.read_list(data, max_rows, separates, unit)
    semicolons = not separates and b";" in data  # "1,5; 2,5": decimal commas
    commas = cells.decide([part], decimal_first=semicolons)
    if commas.neither and not (semicolons or separates):  # "1,2,3" among "4 5": commas separate after all
        part, n = reading.read_list(data, max_rows, True, unit)
        commas = cells.Commas("")
    if commas.conflict:
        (_, _, t_text), (_, _, d_text) = commas.conflict
        what = "paste the numbers" if source == "paste" else "save the file"
        raise ValueError(
            f"Some numbers read as thousands ({t_text}), others only as decimal commas ({d_text}): "
            f"{what} with a point as the decimal mark and no thousands separators (1250, 2.5)."
        )
    values = cells.finish(part, commas.mode)
    if not np.isfinite(values).any():
        if source == "file":
            raise ValueError(NO_COLUMN)
        raise ValueError("No number found in the pasted text: paste numbers such as 1.5, 2, 3e2.")
    return values, n, cells.read_as(part, commas.mode)


def _comma_separates(data: bytes) -> bool:
    """Whether commas separate the numbers of a list: some comma is not between two digits
    ("1, 2"), or nothing else separates them ("1.2,3.4")."""
    if b"," not in data:
        return False
    chars = np.frombuffer(data, np.uint8)
    for lo in range(0, chars.size, _SLICE):  # in slices, to bound the memory on long lines
        at = np.flatnonzero(chars[lo : lo + _SLICE] == ord(",")) + lo
        if not at.size:
            continue
        if at[0] == 0 or at[-1] == chars.size - 1:
            return True
        around = np.concatenate([chars[at - 1], chars[at + 1]])
        if ((around < ord("0")) | (around > ord("9"))).any():
            return True
    return _LIST_SEPARATOR.search(data.strip()) is None


def default_column(table: ParsedTable) -> str:
    """The column to offer first: the first numeric one that is not an obvious row index
    (the values 0..n-1 or 1..n in order), or the first one when all look like indices."""
    for name, values in table.columns.items():
        finite = values[np.isfinite(values)]
        start = finite[0] if finite.size else np.nan
        is_index = (
            finite.size > 1 and start in (0.0, 1.0) and np.array_equal(finite, start + np.arange(finite.size))
        )
        if not is_index:
            return name
    return next(iter(table.columns))
