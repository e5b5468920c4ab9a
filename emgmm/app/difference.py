"""What the page says about new values classified by the fit: where they differ from the
fitted ones (``prediction.compare_assignments``) and which lie outside the fitted data's
range, in one sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .text import count

#: Shares that differ by less than this (5 percentage points) read as the same: a sample
#: of a few hundred values from the fitted mixture differs from it by about that much.
SAME_SHARE = 0.05


def _percent(share: float) -> str:
    return f"{100 * share:.0f} %"


def share_sentence(comparison: pd.DataFrame) -> str:
    """The component whose share of the new values differs most from its share of the
    fitted ones, e.g. "Component 2 holds 41 % of the new values against 20 % of the fitted
    ones." (of equal changes, the share that grew); or that every share is within
    ``SAME_SHARE`` of the fitted one."""
    signed = comparison["share_difference"].to_numpy(dtype=np.float64)
    # the largest change; of equal ones (two components always have them) the one that grew
    i = max(range(signed.size), key=lambda k: (round(abs(signed[k]), 12), signed[k]))
    row = comparison.iloc[i]
    if abs(signed[i]) < SAME_SHARE:
        return (
            "The new values share out among the components as the fitted ones do (every component's "
            f"share within {100 * SAME_SHARE:.0f} points of its share of the fitted data)."
        )
    return (
        f"Component {row.label} holds {_percent(row.share_second)} of the new values against "
        f"{_percent(row.share_first)} of the fitted ones."
    )


def outside_sentence(x: np.ndarray, fitted_range: tuple[float, float]) -> str:
    """How many of the new values ``x`` lie below or above the fitted data's range, where
    the fit was never checked against data; "" when none do."""
    lo, hi = fitted_range
    below, above = int(np.sum(x < lo)), int(np.sum(x > hi))
    if below + above == 0:
        return ""
    sides = [f"{below:,} below" if below else "", f"{above:,} above" if above else ""]
    return (
        f"{count(below + above, 'new value')} {'lies' if below + above == 1 else 'lie'} outside the fitted "
        f"data's range, {lo:.4g} to {hi:.4g} ({', '.join(s for s in sides if s)}): the fit was "
        "never compared with data there, so read their components with care."
    )


def difference_sentence(comparison: pd.DataFrame, x: np.ndarray, fitted_range: tuple[float, float]) -> str:
    """``share_sentence`` and ``outside_sentence``, as one paragraph."""
    return " ".join(s for s in (share_sentence(comparison), outside_sentence(x, fitted_range)) if s)
