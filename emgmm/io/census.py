"""The census of a file's rows (or of a block of them): how many, those shorter than the
header, those with more fields; by the csv module, or for text with no quote, in a few
passes of numpy over its bytes that count the same (``_quick``)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from emgmm.io import reading
from emgmm.io.sniff import Layout

#: What ``str.strip`` takes for space among ASCII bytes (the csv path's test of a blank line).
_SPACE = np.zeros(256, bool)
_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
#: Bytes counted at a time by numpy (its arrays of places take up to 8 bytes a byte).
_SLICE = 1 << 22


@dataclass(frozen=True)
class Census:
    """The rows of a file with a separator (or of a block of its rows): how many, those
    shorter than the header and those with more fields.

    Attributes
    ----------
    n_rows : int
    n_short : int
        Rows with fewer fields than the header.
    short : tuple of int
        The lines of the first five of them.
    n_extra : int
        Rows with more non-empty fields than the header.
    extra : (int, int)
        The line of the first of them and its number of fields.
    """

    n_rows: int
    n_short: int = 0
    short: tuple[int, ...] = ()
    n_extra: int = 0
    extra: tuple[int, int] = (0, 0)

    def remarks(self, width: int, has_header: bool) -> tuple[str, ...]:
        """The note on short rows, e.g. "2 rows have fewer fields than the header (lines 4, 9)";
        a row with more fields than ``width`` is refused, naming its line."""
        if self.n_extra:
            raise reading.fields_error(self.extra[0], self.extra[1], width, has_header, self.n_extra)
        if not self.n_short:
            return ()
        where = ", ".join(f"{line:,}" for line in self.short) + (
            ", ..." if self.n_short > len(self.short) else ""
        )
        verb = "has" if self.n_short == 1 else "have"
        than = "the header" if has_header else f"the file's {width:,} columns"
        line_s = "line" if self.n_short == 1 else "lines"
        return (f"{reading.plural(self.n_short, 'row')} {verb} fewer fields than {than} ({line_s} {where})",)


def merged(parts: Sequence[Census]) -> Census:
    """The census of a file from those of its blocks of rows, in the file's order."""
    short = tuple(line for part in parts for line in part.short)[:5]
    extra = next((part.extra for part in parts if part.n_extra), (0, 0))
    return Census(
        sum(p.n_rows for p in parts),
        sum(p.n_short for p in parts),
        short,
        sum(p.n_extra for p in parts),
        extra,
    )


def census(data: bytes, shape: Layout, max_rows: int, first_line: int = 1, in_body: bool = False) -> Census:
    """Count the rows (refusing past ``max_rows``), those with fewer fields than the header
    and those with more non-empty ones (``Census.remarks`` refuses them, naming the line).

    ``data`` starts on line ``first_line`` of the file; ``in_body`` when it holds data rows
    only (a block of a file whose header was read before).
    """
    quick = _quick(data, shape, max_rows, first_line, in_body)
    if quick is not None:
        return quick
    sep, width = shape.separator, len(shape.names)
    reader = csv.reader(reading.lines(data, sep, width, shape.has_header, first_line), delimiter=sep)
    header_pending, n_rows, n_short, extra, n_extra = shape.has_header and not in_body, 0, 0, (0, 0), 0
    short: list[int] = []
    last = 0  # the line the previous row ended on: a row the csv module refuses starts after it
    try:
        for row in reader:
            last = reader.line_num
            n = len(row)
            if n == width and (n > 1 or row[0].strip()) and not header_pending:
                n_rows += 1
                if n_rows > max_rows:
                    raise reading.rows_error(max_rows)
                continue
            if n <= 1 and (not row or not row[0].strip()):
                continue  # a blank line, as pandas skips it
            if header_pending:
                header_pending = False
                continue
            n_rows += 1
            if n_rows > max_rows:
                raise reading.rows_error(max_rows)
            if n < width:
                n_short += 1
                if len(short) < 5:
                    short.append(last + first_line - 1)
            elif n > width and any(cell.strip() for cell in row[width:]):
                n_extra += 1
                extra = extra if n_extra > 1 else (last + first_line - 1, n)
    except csv.Error as err:
        raise reading.csv_error(last + first_line, err) from None
    return Census(n_rows, n_short, tuple(short), n_extra, extra)


def _quick(data: bytes, shape: Layout, max_rows: int, first_line: int, in_body: bool) -> Census | None:
    """``census`` of ASCII text with no quote and no NUL, its lines of ordinary length, by
    numpy: there each line is a row and its fields are its separators plus one, as the
    csv module reads them; None for any other text (the csv module's census reads it).
    The text is counted in slices of whole lines, so the memory stays bounded."""
    sep, width = shape.separator, len(shape.names)
    if not data.isascii() or b'"' in data or b"\x00" in data or len(sep) != 1:
        return None
    parts, lo, header, line = [], 0, shape.has_header and not in_body, first_line
    while lo < len(data):
        hi = len(data)
        if hi - lo > _SLICE:  # end the slice after a line end (and a \r's \n)
            hi = max(data.rfind(b"\n", lo, lo + _SLICE), data.rfind(b"\r", lo, lo + _SLICE))
            if hi < 0:
                return None  # a line over the slice: the csv path names it
            hi += 1 + (data[hi : hi + 2] == b"\r\n")
        found = _quick_slice(data[lo:hi], sep, width, header, line)
        if found is None:
            return None
        part, n_lines, header = found
        parts.append(part)
        line, lo = line + n_lines, hi
        if sum(p.n_rows for p in parts) > max_rows:
            raise reading.rows_error(max_rows)
    return merged(parts)


def _quick_slice(
    data: bytes, sep: str, width: int, header: bool, first_line: int
) -> tuple[Census, int, bool] | None:
    """``_quick``'s census of whole lines, how many lines end in them, and whether the
    header is still to come; ``header`` when the first line that is not blank is it."""
    chars = np.frombuffer(data, np.uint8)
    # line ends as the csv module counts them: a \n, or a \r not before a \n
    lf, cr = chars == 10, chars == 13
    cr[:-1] &= ~lf[1:]
    ends = np.flatnonzero(lf | cr)
    starts, stops = np.concatenate([[0], ends + 1]), np.concatenate([ends, [chars.size]])
    if (stops - starts).max(initial=0) > min(csv.field_size_limit(), reading.CHUNK_BYTES):
        return None  # a long line: the csv path names it
    seps = np.flatnonzero(chars == ord(sep))
    n_fields = np.searchsorted(seps, stops) - np.searchsorted(seps, starts) + 1
    filled = np.flatnonzero(~_SPACE[chars])
    blank = (n_fields == 1) & (np.searchsorted(filled, stops) == np.searchsorted(filled, starts))
    rows = np.flatnonzero(~blank)
    header_left = header and not rows.size
    if header:
        rows = rows[1:]  # the header: the first line that is not blank
    short = rows[n_fields[rows] < width]
    wide = [
        int(k)
        for k in rows[n_fields[rows] > width]
        if any(cell.strip() for cell in data[starts[k] : stops[k]].decode().split(sep)[width:])
    ]
    extra = (wide[0] + first_line, int(n_fields[wide[0]])) if wide else (0, 0)
    lines = tuple(int(k) + first_line for k in short[:5])
    return Census(int(rows.size), int(short.size), lines, len(wide), extra), int(ends.size), header_left
