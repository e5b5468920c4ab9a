"""Where a file's blocks of rows start and end, when each block of bytes is read by a
separate task: a row belongs to the block its first character is in.

``head_rules`` sniffs the file's head once, as ``parse_table`` sniffs a whole file: its
encoding, Excel's ``sep=`` line, separator, header and columns; the blocks are spans of
the bytes after the header. A row starts after a line end that is not inside a quoted
cell. A quoted cell opens and closes with a quote and doubles any inside it, so a line
end after an odd number of quotes is inside one: each block first counts its quotes and
line ends (``count_block``, no cell read), and the counts before a block (``starts``)
say whether it begins inside a quoted cell and on which line. ``block_text`` then gives
the block's rows as UTF-8 text, for ``blocks.read_block``.

A quote inside a cell that does not start with one (``12" pizza``, where pandas reads it
as a character) would throw the count off: it is refused, naming its line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from emgmm.io import encoding, sniff
from emgmm.io.parsing import NO_COLUMN

__all__ = ["HEAD_BYTES", "NO_CAP", "Fetch", "Rules", "block_text", "count_block", "head_rules", "starts"]

#: Bytes of a file's head sniffed (the page's sniff reads about 1 MB past the first line).
HEAD_BYTES = 1 << 22
#: Bytes read at a time past a block's end, to the end of its last row.
_MORE = 1 << 16
#: No cap on rows or columns: the page's caps guard a shared server, not a cluster.
NO_CAP = 2**53
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
#: The code unit of each codec (``encoding.encoding_of``): quotes and line ends are one unit,
#: never part of another character's.
_UNITS = {
    "": "u1",
    "utf-8": "u1",
    "utf-16-le": "<u2",
    "utf-16-be": ">u2",
    "utf-32-le": "<u4",
    "utf-32-be": ">u4",
}

#: The bytes [offset, offset + size) of a file (fewer at its end).
Fetch = Callable[[int, int], bytes]


@dataclass(frozen=True)
class Rules:
    """How every block of one file reads: what its head says.

    Attributes
    ----------
    codec : str
        As ``encoding.encoding_of`` names it.
    body : int
        The byte where the data rows start (after the byte-order mark, the ``sep=`` line
        and the header).
    first_line : int
        The line number of ``body``, counted from 1 as the page counts lines.
    shape : Layout or None
        Separator, columns, header; None for a file of one line (a list of numbers),
        which is read whole, by ``parse_table``.
    """

    codec: str
    body: int
    first_line: int
    shape: sniff.Layout | None

    @property
    def width(self) -> int:
        """Bytes of a code unit."""
        return np.dtype(_UNITS[self.codec]).itemsize


def _units(raw: bytes, codec: str) -> np.ndarray:
    dtype = np.dtype(_UNITS[codec])
    return np.frombuffer(raw, dtype, len(raw) // dtype.itemsize)


def _ends(units: np.ndarray) -> np.ndarray:
    """Where lines end, as the csv module counts them: a \\n, or a \\r not before a \\n."""
    lf, cr = units == _LF, units == _CR
    cr[:-1] &= ~lf[1:]
    ends: np.ndarray = lf | cr
    return ends


def _after_line_end(data: bytes, end: int) -> int:
    return end + 1 + (data[end : end + 2] == b"\r\n")


def _after_row(data: bytes, pos: int, sep: str) -> int:
    """The offset after the first non-blank row from ``pos`` (a quoted cell may hold line ends)."""
    stops: list[int] = []

    def lines() -> Iterator[str]:
        start = pos
        while start < len(data):
            stops.append(min(_after_line_end(data, sniff.line_end(data, start)), len(data)))
            yield data[start : stops[-1]].decode("utf-8", errors="replace")
            start = stops[-1]

    for row in csv.reader(lines(), delimiter=sep or "\x1f"):
        if len(row) > 1 or (row and row[0].strip()):
            return stops[-1]  # the csv module reads no line past the row's last
    return len(data)


def head_rules(head: bytes, size: int) -> Rules:
    """The rules of a file of ``size`` bytes from its first bytes (``HEAD_BYTES`` of them,
    or all): ``parse_table``'s sniff of a whole file, on its head.

    Raises
    ------
    ValueError
        The page's messages: binary data, a damaged encoding, an empty file, no column
        that holds numbers.
    """
    codec, mark = encoding.encoding_of(head)
    width = np.dtype(_UNITS[codec]).itemsize
    raw = head[mark : len(head) - (len(head) - mark) % width]
    units = _units(raw, codec)
    if len(head) < size:  # the head's last line may be cut short: sniff whole lines only
        ends = np.flatnonzero((units == _LF) | (units == _CR))
        raw = raw[: (int(ends[-1]) + 1) * width] if ends.size else raw
    text = encoding.decode_text(raw, codec, mark)
    if not text.strip():
        raise ValueError(encoding.EMPTY)
    declared, data = sniff.declared_separator(text)
    if not sniff.first_line(data)[2]:
        return Rules(codec, mark, 1, None)
    shape = sniff.layout(data, NO_CAP, declared)
    if not shape.numeric:
        raise ValueError(NO_COLUMN)
    pos = _after_line_end(text, sniff.first_line(text)[1]) if declared else 0
    if shape.has_header:
        pos = _after_row(text, pos, shape.separator)
    # the same line ends in the file's own code units: the body starts after as many
    n_lines = text.count(b"\n", 0, pos) + text.count(b"\r", 0, pos) - text.count(b"\r\n", 0, pos)
    ends = np.flatnonzero(_ends(units))
    body = mark + (int(ends[n_lines - 1]) + 1) * width if n_lines else mark
    return Rules(codec, body, n_lines + 1, shape)


def count_block(raw: bytes, codec: str, n_units: int) -> tuple[int, int]:
    """Quotes and line ends among the first ``n_units`` code units of ``raw`` (the unit
    after them, if the file has one, tells whether a last \\r is a line end of its own)."""
    units = _units(raw, codec)
    return int((units[:n_units] == _QUOTE).sum()), int(_ends(units)[:n_units].sum())


def starts(counts: Sequence[tuple[int, int]], first_line: int) -> list[tuple[int, int]]:
    """For each block, from every block's counts: whether it starts inside a quoted cell
    (an odd number of quotes before it) and the line it starts on."""
    quotes = np.cumsum([0] + [q for q, _ in counts[:-1]])
    lines = np.cumsum([0] + [n for _, n in counts[:-1]])
    return [(int(q % 2), first_line + int(n)) for q, n in zip(quotes, lines, strict=True)]


def _row_ends(units: np.ndarray, parity: int) -> np.ndarray:
    """Indices of the line ends outside quoted cells, ``parity`` quotes (mod 2) before."""
    ends = np.flatnonzero(_ends(units))
    # the quotes before each line end, by search among the quotes' places (no running
    # sum over every unit: most files have few quotes, or none)
    before = parity + np.searchsorted(np.flatnonzero(units == _QUOTE), ends)
    kept: np.ndarray = ends[before % 2 == 0]
    return kept


def block_text(
    fetch: Fetch, rules: Rules, span: tuple[int, int], size: int, start: tuple[int, int]
) -> tuple[bytes, int] | None:
    """The rows that start in the bytes ``span`` of a file of ``size`` bytes, as UTF-8
    text, and the line they start on; None if no row starts there. ``start`` is the
    block's (parity, line) from ``starts``.

    Raises
    ------
    ValueError
        A quote inside a cell that does not start with one, or a damaged encoding,
        naming the line or the byte.
    """
    (lo, hi), (parity, line), w = span, start, rules.width
    before = lo - w if lo > rules.body else lo  # the unit before tells a row starting at lo
    units = _units(fetch(before, hi + w - before), rules.codec)
    first_quote = int(units[0] == _QUOTE) if before < lo else 0
    n_lo, n_hi = (lo - before) // w, (hi - before) // w
    row_starts = _row_ends(units[: n_hi + 1], (parity - first_quote) % 2) + 1
    row_starts = row_starts[row_starts <= n_hi]  # the unit after hi only tells of a \r at hi - 1
    if lo == rules.body:
        row_starts = np.concatenate([[n_lo], row_starts])
    first = row_starts[row_starts >= n_lo]
    if not first.size or first[0] >= n_hi:
        return None
    n_first = int(first[0])
    line += int(_ends(units[: n_hi + 1])[n_lo:n_first].sum())
    ending = first[first >= n_hi]
    pieces = [units[n_first : int(ending[0]) if ending.size else n_hi]]
    if not ending.size:  # the last row runs past hi: read on to its end
        pieces += _rest(fetch, rules, hi, int((parity + (units[n_lo:n_hi] == _QUOTE).sum()) % 2))
    raw = b"".join(piece.tobytes() for piece in pieces)  # (concatenate would make them native-endian)
    _check_quotes(
        _units(raw, rules.codec), int((parity + (units[n_lo:n_first] == _QUOTE).sum()) % 2), rules, line
    )
    # a block's own few characters say little: the head said the file looks like text
    return encoding.decode_text(raw, rules.codec, before + n_first * w, head=False), line


def _rest(fetch: Fetch, rules: Rules, at: int, parity: int) -> list[np.ndarray]:
    """The units from byte ``at`` to the end of the row running there (or of the file)."""
    pieces: list[np.ndarray] = []
    w, n = rules.width, _MORE // rules.width
    while True:
        units = _units(fetch(at, (n + 1) * w), rules.codec)
        ends = _row_ends(units, parity)
        ends = ends[ends < n]  # the last unit only tells of a \r before it
        if ends.size:
            return [*pieces, units[: int(ends[0]) + 1]]
        if units.size <= n:  # the end of the file
            return [*pieces, units]
        pieces.append(units[:n])
        parity = int((parity + (units[:n] == _QUOTE).sum()) % 2)
        at += n * w


def _check_quotes(units: np.ndarray, parity: int, rules: Rules, line: int) -> None:
    """Refuse a quote that opens a quoted cell by the count but is not at a cell's start
    (nor after a quote, nor after spaces): there pandas reads it as a character."""
    quotes = np.flatnonzero(units == _QUOTE)
    if not quotes.size:
        return
    opening = quotes[(parity + np.arange(quotes.size)) % 2 == 0]  # by the count
    previous = np.where(opening > 0, units[np.maximum(opening - 1, 0)], _LF)
    sep = rules.shape.separator if rules.shape else ""
    allowed = [_LF, _CR, _QUOTE, ord(" "), ord("\t"), *([ord(sep)] if sep else [])]
    stray = opening[~np.isin(previous, allowed)]
    if stray.size:
        at = line + int(_ends(units)[: int(stray[0])].sum())
        raise ValueError(
            f'Line {at:,} has a quote (") inside a cell that does not start with one: put the whole '
            'cell in quotes and double the quote inside ("12"" pizza"), or remove it.'
        )
