"""The passes over a whole file: a census of its rows (how many, which are malformed) with
the csv module, and the numeric columns read by pandas' C parser, chunk by chunk, so the
memory used stays bounded whatever the file holds."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from emgmm.io import cells
from emgmm.io.sniff import Layout, line_end

#: Text decoded and split into lines at a time.
CHUNK_BYTES = 1 << 20
#: Cells pandas reads per chunk: bounds the parser's memory (text cells are Python strings
#: until they are converted).
CHUNK_CELLS = 500_000
#: Separators of a list of numbers (a paste, or a file of one line), besides the comma.
LIST_SEPARATORS = b" \t\r\n\x0b\x0c;"
_CLOSE_QUOTE_HELP = "close it, or remove it, and load the file again."


def plural(n: int, noun: str) -> str:
    """'1 value', '2,000 values': the one way the readers and the page count things."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def rows_error(max_rows: int, unit: str = "rows") -> ValueError:
    if unit == "pasted":
        return ValueError(f"More than {max_rows:,} numbers pasted: keep at most {max_rows:,}.")
    return ValueError(
        f"The file has more than {max_rows:,} {unit}: keep at most {max_rows:,} "
        "(for example a random sample of them)."
    )


def fields_error(line: int, n_fields: int, width: int, has_header: bool, n_lines: int = 1) -> ValueError:
    than = f"the header has {width:,}" if has_header else f"the file has {width:,} column" + "s" * (width > 1)
    more = f" (and {plural(n_lines - 1, 'more line')} like it)" if n_lines > 1 else ""
    return ValueError(
        f"Line {line:,} has {n_fields:,} fields but {than}{more}: check the separator, or put "
        'cells that hold a separator in quotes ("1,250").'
    )


def csv_error(line: int, err: csv.Error) -> ValueError:
    """The csv module's refusal of the row starting at ``line``, in words: a cell over its
    size limit (into which a quote that never closes also runs), or a character it refuses."""
    if "field limit" in str(err):
        return ValueError(
            f'Line {line:,} has a cell of more than {csv.field_size_limit():,} characters (or a quote (") '
            "opened there never closes): shorten the cell, or close the quote, and load the file again."
        )
    return ValueError(
        f"Line {line:,} could not be read as CSV ({err}): correct it, or save the file again as CSV."
    )


def lines(
    data: bytes, sep: str, width: int = 0, has_header: bool = False, first_line: int = 1
) -> Iterator[str]:
    """The file's lines, decoded about CHUNK_BYTES at a time; a line over CHUNK_BYTES with
    more separators than ``width`` columns (if given) is refused before it is split."""
    start = 0
    while start < len(data):
        stop = max(
            data.rfind(b"\n", start, start + CHUNK_BYTES), data.rfind(b"\r", start, start + CHUNK_BYTES)
        )
        if stop < 0:  # the last line, or one longer than a chunk
            stop = line_end(data, start)
            n_fields = data.count(sep.encode(), start, stop) + 1
            if width and stop - start > CHUNK_BYTES and n_fields > width:
                line = max(data.count(b"\n", 0, start), data.count(b"\r", 0, start)) + first_line
                raise fields_error(line, n_fields, width, has_header)
        stop += 1 + (data[stop : stop + 2] == b"\r\n")
        yield from io.StringIO(data[start:stop].decode("utf-8"), newline="")
        start = stop


def line_numbers(data: bytes, sep: str, has_header: bool, rows: Sequence[int]) -> dict[int, int]:
    """The line of each data row (numbered from 0, as pandas counts them) in ``rows``."""
    wanted, found, row_index = set(rows), {}, -1 - int(has_header)
    reader = csv.reader(lines(data, sep or "\x1f"), delimiter=sep or "\x1f")
    last = 0
    try:
        for row in reader:
            last = reader.line_num
            if len(row) <= 1 and (not row or not row[0].strip()):
                continue
            row_index += 1
            if row_index in wanted:
                found[row_index] = last
                if len(found) == len(wanted):
                    break
    except csv.Error as err:
        raise csv_error(last + 1, err) from None
    return found


def first_negatives(
    data: bytes, shape: Layout, columns: dict[str, np.ndarray]
) -> dict[str, tuple[int, float]]:
    """For each column holding a number below 0 (which a column of counts cannot hold), the
    line of the first one and that number; the lines are found in one pass that stops there."""
    first = {name: int(np.argmax(values < 0)) for name, values in columns.items() if (values < 0).any()}
    if not first:
        return {}
    sep = "" if shape.one_column else shape.separator
    lines = line_numbers(data, sep, shape.has_header, list(first.values()))
    return {name: (lines.get(row, row + 1), float(columns[name][row])) for name, row in first.items()}


def _absent(data: bytes) -> str:
    """A separator that never occurs, to read each line as one cell."""
    return next((c for c in "\x1f\x1e\x1d\x1c\x07" if c.encode() not in data), "\x1f")


class QuoteError(ValueError):
    """A quote that never closes."""


def _parser_error(err: Exception, first_line: int = 1) -> ValueError:
    found = re.search(r"EOF inside string starting at row (\d+)", str(err))
    if found:
        return QuoteError(
            f'A quote (") opened near line {int(found[1]) + first_line:,} never closes: {_CLOSE_QUOTE_HELP}'
        )
    return ValueError(f"This file could not be read as CSV ({err}); check its separator and quotes.")


def read_columns(
    data: bytes, shape: Layout, max_rows: int, first_line: int = 1
) -> tuple[list[list[cells.Cells]], int]:
    """The numeric columns of ``shape`` (each line one cell if ``shape.one_column``), each
    as its chunks of cells, and the number of rows; ``data`` starts on line ``first_line``."""
    width = len(shape.names)
    sep = _absent(data) if shape.one_column else shape.separator
    usecols = list(shape.numeric)
    options: dict[str, object] = {"header": 0 if shape.has_header else None, "sep": sep}
    return _read(data, options, width, usecols, max_rows, "rows", first_line)


def read_list(data: bytes, max_rows: int, comma_separates: bool, unit: str) -> tuple[list[cells.Cells], int]:
    """A list of numbers separated by white space, semicolons (and commas if
    ``comma_separates``) as one column of cells, and the number of entries; ``unit`` says
    "values" (of a file) or "pasted" in the message for more than ``max_rows``."""
    term = b"," if comma_separates else b"\n"
    seps = LIST_SEPARATORS + term
    tokens = data.translate(bytes.maketrans(seps, term * len(seps)))
    options: dict[str, object] = {"header": None, "sep": _absent(data), "lineterminator": term.decode()}
    try:
        parts, n = _read(tokens, options, 1, [0], max_rows, unit)
    except QuoteError:  # an unclosed quote: read quotes as part of the numbers
        parts, n = _read(tokens, {**options, "quoting": csv.QUOTE_NONE}, 1, [0], max_rows, unit)
    return parts[0], n


def _read(
    data: bytes,
    options: dict[str, object],
    width: int,
    usecols: list[int],
    max_rows: int,
    unit: str,
    first_line: int = 1,
) -> tuple[list[list[cells.Cells]], int]:
    chunk_rows = max(1_000, CHUNK_CELLS // width)
    parts: list[list[cells.Cells]] = [[] for _ in usecols]
    n = 0
    try:
        with pd.read_csv(
            io.BytesIO(data),
            names=list(range(width)),
            usecols=usecols,
            engine="c",
            encoding="utf-8",
            skip_blank_lines=True,
            nrows=max_rows + 1,
            chunksize=chunk_rows,
            low_memory=False,
            **options,
        ) as chunks:
            for chunk in chunks:
                for part, j in zip(parts, usecols, strict=True):
                    part.append(cells.convert(chunk[j], n))
                n += len(chunk)
    except pd.errors.EmptyDataError:
        return [[] for _ in usecols], 0
    except pd.errors.ParserError as err:
        raise _parser_error(err, first_line) from None
    if n > max_rows:
        raise rows_error(max_rows, unit)
    return parts, n
