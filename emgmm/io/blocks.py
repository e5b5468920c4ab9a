"""A file read in blocks of rows, each perhaps by another process, by the page's rules.

Each block's rows (``spans.block_text``) are read as ``parse_table`` reads a file
(``read_block``: the census of malformed rows, the numeric columns by pandas' C parser,
cells as numbers); what the blocks found is settled for the file (``settle``: rows with
more fields refused, how commas read, decided over every numeric column as
``parse_table`` decides it); each block's column is then finished by that decision
(``finish_block``), and the page's note says what was read (``note``). Messages name the
lines of the file, as the page's do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from emgmm.io import cells, census, reading
from emgmm.io.commas import check_commas
from emgmm.io.parsing import Values
from emgmm.io.spans import NO_CAP, Rules

__all__ = ["Block", "Settled", "Summary", "finish_block", "note", "read_block", "settle"]


@dataclass(frozen=True)
class Summary:
    """What settling a file needs of one block: its census, for each numeric column the
    first cell of each kind of comma (``cells.Cells.first``, by line, not row), its rows."""

    census: census.Census
    firsts: tuple[dict[int, tuple[int, str]], ...]
    n_rows: int


@dataclass(frozen=True, eq=False)
class Block:
    """One block's rows: the chosen column's cells (commas not yet read) and its summary."""

    cells: list[cells.Cells]
    summary: Summary


def read_block(text: bytes, rules: Rules, line: int, column: int) -> Block:
    """The rows of ``text`` (UTF-8, data rows only, starting on ``line``) as
    ``parse_table`` reads a file's: every numeric column's cells, column ``column`` kept.

    Raises
    ------
    ValueError
        The page's messages, naming the line: a cell over the csv module's size limit, a
        quote never closed, a line with too many separators to split.
    """
    shape = rules.shape
    assert shape is not None, "a file of one line is read whole"
    # the page's order: the census (the csv module) refuses first, then pandas' parser
    counted = None if shape.one_column else census.census(text, shape, NO_CAP, line, in_body=True)
    # pandas takes the number of fields from the first row: a block of short rows would be
    # refused, so a header of every column (ignored) comes first, as in the file
    header = (shape.separator if not shape.one_column else "").join(map(str, range(len(shape.names))))
    parts, n_rows = reading.read_columns(
        header.encode() + b"\n" + text, replace(shape, has_header=True), NO_CAP, line - 1
    )
    counted = counted or census.Census(n_rows)
    rows = sorted({row for part in parts for chunk in part for row, _ in chunk.first.values()})
    lines = (
        reading.line_numbers(text, "" if shape.one_column else shape.separator, False, rows) if rows else {}
    )
    firsts = []
    for part in parts:
        found: dict[int, tuple[int, str]] = {}
        for chunk in part:
            for kind, (row, cell) in chunk.first.items():
                at = lines.get(row, row + 1) + line - 1
                found[kind] = min(found.get(kind, (at, cell)), (at, cell))
        firsts.append(found)
    return Block(parts[shape.numeric.index(column)], Summary(counted, tuple(firsts), n_rows))


@dataclass(frozen=True)
class Settled:
    """How a file's column reads, from all its blocks: how commas read, what to say."""

    mode: str
    read_as: str = ""
    remarks: tuple[str, ...] = ()


def settle(summaries: Sequence[Summary], rules: Rules, column: int) -> Settled:
    """What ``parse_table`` decides over a whole file, from its blocks' summaries.

    Raises
    ------
    ValueError
        The page's messages: rows with more fields than the header (the first's line, and
        how many), commas read both as thousands and as decimals (a line of each).
    """
    shape = rules.shape
    assert shape is not None, "a file of one line is read whole"
    counted = census.merged([s.census for s in summaries])
    remarks = () if shape.one_column else counted.remarks(len(shape.names), shape.has_header)
    stand_ins = [
        [cells.Cells(np.empty(0), first=s.firsts[j]) for s in summaries] for j in range(len(shape.numeric))
    ]
    # the cells' rows are lines already: in the file's order, as the page's rows are
    commas = check_commas(cells.decide(stand_ins, decimal_first=shape.separator == ";"), shape, lambda at: at)
    return Settled(commas.mode, cells.read_as(stand_ins[shape.numeric.index(column)], commas.mode), remarks)


def finish_block(block: Block, settled: Settled) -> np.ndarray:
    """The block's finite values, its commas read as settled (``cells.finish``)."""
    values = cells.finish(block.cells, settled.mode)
    kept: np.ndarray = values[np.isfinite(values)]
    return kept


def note(settled: Settled, n_rows: Sequence[int], n_kept: Sequence[int]) -> str:
    """The page's note on a file's column (``Values.note``): how its commas read, the
    rows dropped, the malformed ones; "" when there is nothing to say."""
    total = int(sum(n_rows))
    return Values(
        np.empty(0), total, total - int(sum(n_kept)), "row", settled.read_as, settled.remarks
    ).note()
