"""Example data sets shipped with the package (see the comment lines of each CSV file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._types import FloatArray

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Example:
    """A shipped 1-D data set: its file and column, and the number of components its
    literature fits (Old Faithful: 2; the galaxies: 3, mclust's published choice)."""

    file: str
    column: str
    suggested_k: int


EXAMPLES = {
    "old_faithful": Example("old_faithful.csv", "waiting", 2),
    "old_faithful_durations": Example("old_faithful.csv", "eruptions", 2),
    "galaxies": Example("galaxies.csv", "velocity", 3),
}


def load_example(name: str) -> FloatArray:
    """The values of the example data set ``name`` (a key of ``EXAMPLES``)."""
    if name not in EXAMPLES:
        raise ValueError(f"example: expected one of {', '.join(EXAMPLES)}; got {name!r}.")
    example = EXAMPLES[name]
    table = pd.read_csv(_DATA / example.file, comment="#")
    values: FloatArray = table[example.column].to_numpy(dtype=np.float64)
    return values
