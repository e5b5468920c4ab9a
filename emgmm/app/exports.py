"""What a data scientist takes away: the fitted model as JSON, and a table per point."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from ..history import final_model
from ..noise import final_noisy_model, has_noise
from ..prediction import predict
from ..teaching import point_table as teaching_point_table


def model_json(history: pd.DataFrame, settings: dict[str, Any]) -> str:
    """The fitted model of ``history`` and how it was fitted, as JSON.

    Keys: ``weights``, ``means``, ``sds`` (components numbered from 1 in that order),
    ``log_likelihood``, ``n_points``, ``n_components``, ``converged``, ``n_iter`` and
    ``settings`` (the dashboard's settings). A fit with a noise component adds ``noise``
    (its ``weight``, ``low`` and ``high``; ``NoisyMixture.to_dict``: ``prediction.load_fitted``
    reads the document back), the Gaussians' weights then relative to each other.
    """
    fitted = final_noisy_model(history) if has_noise(history) else final_model(history)
    attrs = history.attrs
    document = {
        **fitted.to_dict(),  # GMM.from_dict reads this document back
        "log_likelihood": float(history["log_likelihood"].iloc[-1]),
        "n_points": int(attrs["n_points"]),
        "n_components": int(attrs["n_components"]),
        "converged": bool(attrs["converged"]),
        "n_iter": int(attrs["n_iter"]),
        "settings": settings,
    }
    return json.dumps(document, indent=2)


def point_table(x: np.ndarray, history: pd.DataFrame) -> pd.DataFrame:
    """One row per point: ``value``, ``component`` (the most responsible, numbered from 1)
    and ``r1 .. rK``, each component's responsibility for the point under the fit
    (``teaching.point_table``, as the CLI's ``classify`` writes it). With a noise
    component, ``prediction.predict``'s table: the noise is component 0 (``label`` "noise",
    ``r0``), and each point's ``uncertainty``."""
    if has_noise(history):
        return predict(x, final_noisy_model(history))
    return teaching_point_table(x, final_model(history))
