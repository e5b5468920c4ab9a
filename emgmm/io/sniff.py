"""A file's shape, read from its first lines before any parsing (its text encoding is
``encoding``'s): its separator, whether it has a header, its columns and which of them
hold numbers."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass

from emgmm.io.encoding import EMPTY

#: Separators tried, in order of preference on a tie.
SEPARATORS = (",", ";", "\t")
#: The first lines read to find the separator and the numeric columns.
HEAD_BYTES = 65_536
HEAD_LINES = 100
#: A number as written in a CSV cell (Python and pandas both read these).
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
#: Cells that mean "no value" rather than text.
MISSING = frozenset({"", "-", "na", "n/a", "nan", "null", "none", "#n/a"})
#: A comma as thousands separator: 1,250 or 12,345,678.9 (never a leading zero: 0,125 is a decimal).
THOUSANDS = r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?"
#: A comma as decimal mark: 2,5 or 0,125.
DECIMAL = r"[+-]?\d+,\d+"
#: Spaces people group digits with: space, no-break space, narrow no-break space (French).
GROUP_SPACES = " \u00a0\u202f"
#: Thousands grouped by spaces, with a decimal point or comma: 1 250, 12 000 000,5.
SPACE_GROUPED = rf"[+-]?[1-9]\d{{0,2}}(?:[{GROUP_SPACES}]\d{{3}})+(?:[.,]\d+)?"
_COMMA_NUMBER = re.compile(f"{THOUSANDS}|{DECIMAL}|{SPACE_GROUPED}")
_NOT_SPACE = re.compile(rb"\S")
#: Excel's first line naming the separator: sep=; (sometimes quoted).
_SEP_LINE = re.compile(rb'"?sep=([^"\r\n])"?', re.IGNORECASE)


def line_end(data: bytes, start: int) -> int:
    """Index of the first line break (\\n or \\r) at or after ``start``, else len(data)."""
    ends = [i for i in (data.find(b"\n", start), data.find(b"\r", start)) if i >= 0]
    return min(ends, default=len(data))


def is_number_like(cell: str) -> bool:
    """Whether a cell reads as a number, with a point, or a comma as decimal or thousands mark."""
    cell = cell.strip()
    return bool(NUMBER.fullmatch(cell) or _COMMA_NUMBER.fullmatch(cell))


@dataclass(frozen=True)
class Layout:
    """What the first lines of a multi-line file say about all of it.

    Attributes
    ----------
    separator : str
        The field separator; "" when every line is one cell.
    names : tuple of str
        Column names (from the header, else "column 1", ...), one per field.
    has_header : bool
    numeric : tuple of int
        Columns whose first cells hold numbers (or only missing values).
    """

    @property
    def one_column(self) -> bool:
        """One cell per line: no separator, or commas inside the one column's numbers."""
        return self.separator in ("", ",") and len(self.names) == 1

    separator: str
    names: tuple[str, ...]
    has_header: bool
    numeric: tuple[int, ...]


def first_line(data: bytes) -> tuple[int, int, bool]:
    """Start and end of the first non-blank line, and whether another one follows."""
    found = _NOT_SPACE.search(data)
    start = found.start() if found else 0
    end = line_end(data, start)
    return start, end, _NOT_SPACE.search(data, end) is not None


def declared_separator(data: bytes) -> tuple[str, bytes]:
    """The separator named by Excel's first line ``sep=;``, and the data with that line
    left blank (so lines keep their numbers in messages); "" and the data if there is none."""
    start, end, _ = first_line(data)
    found = _SEP_LINE.fullmatch(data, start, end)
    if not found:
        return "", data
    return found[1].decode(), data[:start] + data[end:]


def layout(data: bytes, max_columns: int, separator: str = "") -> Layout:
    """The separator (``separator`` if the file declares one), header and numeric columns
    of a file with at least two lines.

    Raises
    ------
    ValueError
        If the first line has more than ``max_columns`` fields.
    """
    start, end, _ = first_line(data)
    if end - start > HEAD_BYTES:  # a very long first line: count before splitting it
        first = data[start:end]
        widest = max(first.count(sep.encode()) for sep in SEPARATORS)
        _check_columns(widest + 1, max_columns)
    # the first lines: at least two, at most about 1 MB past the first
    cut = min(line_end(data, max(end + 1, start + HEAD_BYTES)), end + 16 * HEAD_BYTES)
    head = data[start:cut].decode("utf-8", errors="replace")
    rows = {sep: _rows(head, sep) for sep in {*SEPARATORS, separator or ","}}
    sep = separator or _separator(rows, head)
    lines = rows[sep or ","]
    if not lines:  # only spaces the bytes' test took for text: no-break, ideographic, ...
        raise ValueError(EMPTY)
    has_header = not any(is_number_like(cell) for cell in lines[0] if cell.strip())
    body = lines[1:] if has_header else lines
    if sep and not (has_header or separator) and _one_column_with_commas(sep, head, lines):
        sep = ""
    if not sep:
        width = 1
    elif has_header:  # trailing fields of the header count if named, or if a row fills them
        width = max(
            len(_trimmed(lines[0])), min(len(lines[0]), max((len(_trimmed(r)) for r in body), default=1))
        )
    else:
        width = max(len(_trimmed(row)) for row in lines)
    _check_columns(width, max_columns)
    names = _names(lines[0] if has_header else [], width)
    numeric = tuple(i for i in range(width) if _is_numeric([row[i] for row in body if i < len(row)]))
    return Layout(sep, names, has_header, numeric)


def _check_columns(width: int, max_columns: int) -> None:
    if width > max_columns:
        raise ValueError(
            f"This file has {width:,} columns; the dashboard reads at most {max_columns:,}: keep the "
            "column to fit (in a spreadsheet, delete the other columns and save as CSV)."
        )


def _rows(head: str, sep: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=sep)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if len(row) > 1 or (row and row[0].strip()):
                rows.append(row)
                if len(rows) == HEAD_LINES:
                    break
    except csv.Error:  # e.g. a cell over csv's size limit: the rows before it say enough here,
        pass  # and the pass over the whole file names its line
    return rows


def _trimmed(row: list[str]) -> list[str]:
    """The row without its trailing empty fields ("1,2," has two)."""
    n = len(row)
    while n > 1 and not row[n - 1].strip():
        n -= 1
    return row[:n]


def _separator(rows: dict[str, list[list[str]]], head: str) -> str:
    """The separator that splits the most lines into the same number (> 1) of fields.

    On a tie, a comma that only ever stands between digits loses (it may be a decimal
    comma: "1,5;2,5"); "" if no separator splits any line.
    """
    commas_in_numbers = "," in head and not re.search(r"(?<!\d),|,(?!\d)", head)
    order = (";", "\t", ",") if commas_in_numbers else SEPARATORS
    best, best_score = "", 0
    for sep in order:
        widths = [len(_trimmed(row)) for row in rows[sep]]
        wide = [w for w in widths if w > 1]
        if wide:
            _, score = Counter(wide).most_common(1)[0]
            if score > best_score:
                best, best_score = sep, score
    return best


def _one_column_with_commas(sep: str, head: str, lines: list[list[str]]) -> bool:
    """Headerless lines of one number each, some with a comma inside ("1,250", "980")."""
    if sep != "," or all(len(row) > 1 for row in lines):
        return False
    text_lines = [line.strip().strip('"') for line in head.splitlines() if line.strip()]
    return all(_COMMA_NUMBER.fullmatch(line) or NUMBER.fullmatch(line) for line in text_lines)


def _names(header: list[str], width: int) -> tuple[str, ...]:
    names: list[str] = []
    for i in range(width):
        name = header[i].strip() if i < len(header) else ""
        name = name or f"column {i + 1}"
        base, k = name, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    return tuple(names)


def _is_numeric(cells: list[str]) -> bool:
    """A column is offered if a first cell holds a number, or all of them are missing."""
    return any(is_number_like(c) for c in cells) or all(c.strip().lower() in MISSING for c in cells)
