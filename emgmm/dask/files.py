"""One numeric column of CSV or Parquet files, read lazily as a Dask array.

Local paths may be globs and are checked here (a path that matches nothing is an error
that names it); URLs (``s3://...``, ``hdfs://...``) go to Dask as they are, and must be
readable by the workers. Nothing is read here but the files' heads (CSV: the first
4 MiB of each file; Parquet: the schema): the values are read by the workers, block by
block.

A CSV file reads as the page reads an upload (``emgmm.io``): its head is sniffed once
here (``io.spans.head_rules``: encoding, ``sep=`` line, separator, header, columns), and
each block by those rules (``io.blocks``): a first pass counts each block's quotes and
line ends (where its first row starts), a second reads its rows; how commas read is
settled over the whole file, as the page settles it, and cells that are not numbers are
dropped and said in a note (``column_with_note``). Messages name the file and the line.
"""

from __future__ import annotations

import glob
import operator
import os
from collections.abc import Callable, Sequence
from typing import ParamSpec, TypeVar

import dask
import dask.array as da
import dask.dataframe as dd
import fsspec
import numpy as np
import pandas as pd
from dask.delayed import Delayed

from ..io import blocks, spans
from ..io.parsing import column_values, parse_table

P = ParamSpec("P")
T = TypeVar("T")

#: Formats by file name ending.
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: Bytes of a CSV file read by one task (Dask's own default for ``read_csv``).
BLOCKSIZE = 64 * 2**20
#: Item ``i`` of a task's result, as a task.
_item: Callable[[Delayed, int], Delayed] = dask.delayed(operator.getitem, pure=True)


def _format_of(path: str) -> str:
    for ending, kind in FORMATS.items():
        if path.lower().endswith(ending):
            return kind
    raise ValueError(f"{path}: cannot tell the format from the name; expected a .csv, .parquet or .pq file.")


def expand_paths(paths: Sequence[str]) -> list[str]:
    """The files named by ``paths``: local globs expanded (sorted), local paths made
    absolute (the workers read them), URLs as they are.

    Raises
    ------
    ValueError
        Naming the path, when none is given, a local path or glob matches no file, or a
        path is a directory.
    """
    if not paths:
        raise ValueError("paths: give at least one CSV or Parquet file.")
    files: list[str] = []
    for path in paths:
        if "://" in path:
            files.append(path)
            continue
        matches = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
        matches = [m for m in matches if os.path.exists(m)]
        if not matches:
            raise ValueError(f"{path}: no such file" + (" matches" if glob.has_magic(path) else "") + ".")
        for match in matches:
            if os.path.isdir(match):
                raise ValueError(f"{match}: is a directory; name its files (for example {match}/*.csv).")
            files.append(os.path.abspath(match))
    return files


def read_column(paths: Sequence[str], column: str, blocksize: int = BLOCKSIZE) -> da.Array:
    """Column ``column`` of the CSV or Parquet files ``paths`` (all of one format), as a
    1-D Dask array with one block per partition (sizes unknown until computed).

    A CSV file reads as the page reads an upload (``emgmm.io``), in blocks of
    ``blocksize`` bytes; its cells that are not numbers are left out
    (``column_with_note`` says how many).

    Raises
    ------
    ValueError
        Naming the path or the column: no such file, an unknown format, formats mixed,
        no such column (the message lists those there are), a column that is not
        numeric, or what the page's reader says of a file's head. What it says of a
        later block (naming its line) is raised when the blocks are read.
    """
    return column_with_note(paths, column, blocksize)[0]


def column_with_note(
    paths: Sequence[str], column: str, blocksize: int = BLOCKSIZE
) -> tuple[da.Array, Delayed]:
    """``read_column``'s array, and the page's note on it for each CSV file (one line each:
    how commas read, the rows dropped, the malformed ones), as a delayed string ("" if
    there is nothing to say). Compute or persist both at once: they share the reading."""
    files = expand_paths(paths)
    kinds = {_format_of(path) for path in files}
    if len(kinds) > 1:
        raise ValueError(f"paths: mix CSV and Parquet files ({', '.join(files)}); give files of one format.")
    if kinds == {"parquet"}:
        return _parquet_column(files, column), dask.delayed("")
    parts, notes = zip(*(_csv_column(path, column, blocksize) for path in files), strict=True)
    return da.concatenate(parts), dask.delayed(_joined)(list(files), list(notes))


def _joined(files: list[str], notes: list[str]) -> str:
    return "\n".join(f"{path}: {note}" for path, note in zip(files, notes, strict=True) if note)


def _parquet_column(files: list[str], column: str) -> da.Array:
    """The column of Parquet files: typed already, read as Dask reads them."""
    frame = dd.read_parquet(files)
    if column not in frame.columns:
        there = ", ".join(repr(str(name)) for name in frame.columns)
        raise ValueError(f"--column: no column {column!r} in {files[0]}; its columns are {there}.")
    series = frame[column]
    dtype = series.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise ValueError(
            f"--column: column {column!r} of {files[0]} holds values that are not numbers "
            f"(read as {dtype}); choose a numeric column."
        )
    column_array: da.Array = series.to_dask_array()
    return column_array


def _naming(path: str, read: Callable[P, T]) -> Callable[P, T]:
    """``read``, its refusals naming the file (as the page names an upload)."""

    def named(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return read(*args, **kwargs)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None

    return named


def _task(path: str, read: Callable[..., T]) -> Callable[..., Delayed]:
    """A task of reading ``path``: lazy, its refusals naming the file."""
    task: Callable[..., Delayed] = dask.delayed(_naming(path, read), pure=False)
    return task


def _fetch(path: str, offset: int, size: int) -> bytes:
    with fsspec.open(path, "rb") as file:
        file.seek(offset)
        data: bytes = file.read(size)
    return data


def _count(path: str, rules: spans.Rules, span: tuple[int, int]) -> tuple[int, int]:
    lo, hi = span
    return spans.count_block(_fetch(path, lo, hi - lo + rules.width), rules.codec, (hi - lo) // rules.width)


def _read(
    path: str, rules: spans.Rules, span: tuple[int, int], size: int, start: tuple[int, int], column: int
) -> blocks.Block | None:
    """The rows starting in ``span`` (their block), or None if none does."""
    with fsspec.open(path, "rb") as file:

        def fetch(offset: int, n: int) -> bytes:
            file.seek(offset)
            data: bytes = file.read(n)
            return data

        found = spans.block_text(fetch, rules, span, size, start)
    return None if found is None else blocks.read_block(found[0], rules, found[1], column)


def _whole(path: str) -> tuple[np.ndarray, str]:
    """A file of one line (a list of numbers): read whole, by the page's own function."""
    with fsspec.open(path, "rb") as file:
        values = column_values(
            parse_table(file.read(), 2**53, max_bytes=2**53, max_numbers=2**53), "column 1"
        )
    return values.x, values.note()


def _csv_column(path: str, column: str, blocksize: int) -> tuple[da.Array, Delayed]:
    """One CSV file's column, block by block, and the page's note on it (delayed)."""
    with fsspec.open(path, "rb") as file:
        size = file.size
        head = file.read(spans.HEAD_BYTES)
    rules = _naming(path, spans.head_rules)(head, size)
    names = rules.shape.names if rules.shape else ("column 1",)
    if column not in names:
        there = ", ".join(map(repr, names))
        raise ValueError(f"--column: no column {column!r} in {path}; its columns are {there}.")
    if rules.shape is None:
        whole = _task(path, _whole)(path)
        return da.from_delayed(_item(whole, 0), (np.nan,), np.float64), _item(whole, 1)
    j = names.index(column)
    if j not in rules.shape.numeric:
        raise ValueError(
            f"--column: column {column!r} of {path} holds values that are not numbers (in its first lines); "
            "choose a numeric column."
        )
    step = max(rules.width, blocksize - blocksize % rules.width)  # blocks of whole code units
    ranges = [(lo, min(lo + step, size)) for lo in range(rules.body, size, step)]
    counts = [_task(path, _count)(path, rules, span) for span in ranges]
    found = _task(path, spans.starts)(counts, rules.first_line)
    read = [_task(path, _read)(path, rules, span, size, _item(found, i), j) for i, span in enumerate(ranges)]
    summaries = [dask.delayed(_summary)(block) for block in read]
    settled = _task(path, _settled)(summaries, rules, j)
    values = [dask.delayed(_finished)(block, settled) for block in read]
    rows = [dask.delayed(_n_rows)(summary) for summary in summaries]
    kept = [dask.delayed(len)(part) for part in values]
    note = dask.delayed(blocks.note)(settled, rows, kept)
    parts = [da.from_delayed(part, (np.nan,), np.float64) for part in values]
    return (da.concatenate(parts) if parts else da.zeros((0,), chunks=1)), note


def _summary(block: blocks.Block | None) -> blocks.Summary | None:
    return None if block is None else block.summary


def _settled(summaries: list[blocks.Summary | None], rules: spans.Rules, column: int) -> blocks.Settled:
    return blocks.settle([s for s in summaries if s is not None], rules, column)


def _finished(block: blocks.Block | None, settled: blocks.Settled) -> np.ndarray:
    return np.empty(0) if block is None else blocks.finish_block(block, settled)


def _n_rows(summary: blocks.Summary | None) -> int:
    return 0 if summary is None else summary.n_rows
