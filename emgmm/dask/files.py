"""One numeric column of CSV or Parquet files, read lazily as a Dask array.

Local paths may be globs and are checked here (a path that matches nothing is an error
that names it); URLs (``s3://...``, ``hdfs://...``) go to Dask as they are, and must be
readable by the workers. Nothing is read here but the files' headers (CSV: a sample of
the first file; Parquet: the schema): the values are read by the workers, block by block.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence

import dask.array as da
import dask.dataframe as dd
import pandas as pd

#: Formats by file name ending.
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


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


def read_column(paths: Sequence[str], column: str) -> da.Array:
    """Column ``column`` of the CSV or Parquet files ``paths`` (all of one format), as a
    1-D Dask array with one block per partition (sizes unknown until computed).

    CSV integer columns are read as float64 (so that a missing value in a later block is
    NaN, not a type clash). A value that is not a number in a later block of a CSV file is
    found when the blocks are read.

    Raises
    ------
    ValueError
        Naming the path or the column: no such file, an unknown format, formats mixed,
        no such column (the message lists those there are), or a column that is not numeric.
    """
    files = expand_paths(paths)
    kinds = {_format_of(path) for path in files}
    if len(kinds) > 1:
        raise ValueError(f"paths: mix CSV and Parquet files ({', '.join(files)}); give files of one format.")
    frame = dd.read_csv(files, assume_missing=True) if kinds == {"csv"} else dd.read_parquet(files)
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
