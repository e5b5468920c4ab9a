"""Example data sets shipped with the package (see the comment lines of each CSV file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

_DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Example:
    """A shipped 1-D data set: file, column, and a line about it for the page."""

    title: str
    file: str
    column: str
    about: str
    suggested_k: int


EXAMPLES = {
    "old_faithful": Example(
        "Old Faithful: waiting times", "old_faithful.csv", "waiting",
        "Minutes between 272 eruptions of the Old Faithful geyser (Azzalini & Bowman 1990): "
        "a classic bimodal data set.", 2,
    ),
    "old_faithful_durations": Example(
        "Old Faithful: eruption durations", "old_faithful.csv", "eruptions",
        "Duration in minutes of the same 272 eruptions: short and long eruptions.", 2,
    ),
    "galaxies": Example(
        "Galaxy velocities", "galaxies.csv", "velocity",
        "Velocities (km/s) of 82 galaxies in the Corona Borealis region (Roeder 1990): "
        "how many clusters is a classic question, with answers from 3 to 7.", 4,
    ),
}


def load_example(name: str) -> np.ndarray:
    """The values of the example data set ``name`` (a key of ``EXAMPLES``)."""
    if name not in EXAMPLES:
        raise ValueError(f"example: expected one of {', '.join(EXAMPLES)}; got {name!r}.")
    example = EXAMPLES[name]
    table = pd.read_csv(_DATA / example.file, comment="#")
    return table[example.column].to_numpy(dtype=np.float64)
