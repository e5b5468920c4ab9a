"""A value column with a count (or weight) column beside it: binned data, as many exports
write it. Each row stands for ``weight`` observations of its value (``fit_em``'s weights)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parsing import ParsedTable, Values
from .reading import plural

#: The weight picker's choice for "each row once".
NO_WEIGHTS = "(none: each row once)"


@dataclass(frozen=True, eq=False)
class Weighted:
    """Values with their weights, and what the page should say about them."""

    values: Values
    weights: np.ndarray
    weight_column: str

    def note(self) -> str:
        """E.g. "weighted by 'count': 1,204 rows stand for 35,120 observations"."""
        total = float(self.weights.sum())
        shown = f"{total:,.0f}" if total.is_integer() else f"{total:,.4g}"
        return f"weighted by '{self.weight_column}': {plural(self.values.x.size, 'row')} stand for {shown} observations"


def weighted_values(table: ParsedTable, column: str, weight_column: str) -> Weighted:
    """The rows of ``column`` whose value and weight in ``weight_column`` are finite
    numbers, and those weights.

    Raises
    ------
    ValueError
        When the two columns are the same, a weight is negative (naming its line), or no
        row has a positive weight: saying what to correct or pick.
    """
    if weight_column == column:
        raise ValueError(f"'{column}' is both the values and their weights: pick another weight column.")
    if weight_column in table.negatives:
        line, weight = table.negatives[weight_column]
        raise ValueError(
            f"Line {line:,} has a count of {weight:g} in '{weight_column}': counts cannot be negative: "
            "correct it (and any line like it), or pick another weight column."
        )
    values, weights = table.columns[column], table.columns[weight_column]
    keep = np.isfinite(values) & np.isfinite(weights)
    if not np.any(weights[keep] > 0):
        raise ValueError(
            f"No row has a positive weight in '{weight_column}': pick the column of counts, or no weights."
        )
    dropped = int((~keep).sum())
    kept = Values(
        values[keep].copy(),
        int(values.size),
        dropped,
        table.unit,
        table.read_as.get(column, ""),
        table.remarks,
    )
    return Weighted(kept, weights[keep].copy(), weight_column)
