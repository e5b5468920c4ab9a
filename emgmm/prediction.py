"""A fitted model applied to new values: each value's component, every responsibility and
the uncertainty ``1 - max_k r_k`` (mclust's ``predict`` and its ``uncertainty``), with or
without a noise component; and how two sets of values are shared among the components."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .history import component_numbers
from .model import GMM, classify, responsibilities
from .noise import NOISE_COMPONENT, NOISE_LABEL, NoisyMixture, model_from_document

#: Columns of ``compare_assignments``'s table, in order.
COMPARISON_COLUMNS = (
    "component",
    "label",
    "count_first",
    "share_first",
    "count_second",
    "share_second",
    "share_difference",
    "mean_uncertainty_first",
    "mean_uncertainty_second",
)


def _check_model(model: object) -> GMM | NoisyMixture:
    if not isinstance(model, GMM | NoisyMixture):
        raise TypeError(f"model: expected a GMM or a NoisyMixture, got {type(model).__name__}.")
    return model


def predict(x: ArrayLike, model: GMM | NoisyMixture) -> pd.DataFrame:
    """Classify values with a fitted model, with each component's responsibility and the
    uncertainty of the classification.

    Parameters
    ----------
    x : array-like of shape (n,)
        Any finite values (new ones, or those the model was fitted to).
    model : GMM or noise.NoisyMixture
        ``history.final_model(history)``, ``noise.final_noisy_model(history)`` for a fit
        with ``noise=True``, or a saved model (``load_fitted``).

    Returns
    -------
    pandas.DataFrame
        One row per value: ``value``; ``component``, the most responsible component (ties go
        to the lower number), numbered from 1, and 0 for the noise; with a noise component
        also ``label`` ("noise" or the component's number as text) and ``r0``, the noise's
        responsibility; ``r1 .. rK``; and ``uncertainty``, ``1 - max_k r_k`` (0 when one
        component takes the value outright, at most ``1 - 1/K``).

    Examples
    --------
    >>> model = GMM([0.5, 0.5], [0.0, 10.0], [1.0, 1.0])
    >>> predict([0.0, 5.0], model)[["component", "uncertainty"]].to_numpy().tolist()
    [[1.0, 0.0], [1.0, 0.5]]
    """
    _check_model(model)
    values = np.asarray(x, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"x: expected a 1-D array of values, got shape {values.shape}.")
    if not np.all(np.isfinite(values)):
        raise ValueError(
            f"x: every value must be finite; value {int(np.argmin(np.isfinite(values)))} is not."
        )
    numbers = component_numbers(model.n_components)
    if isinstance(model, NoisyMixture):
        noisy, resp = True, model.responsibilities(values)
        numbers = np.concatenate([[NOISE_COMPONENT], numbers])
        chosen = numbers[np.argmax(resp, axis=1)]
    else:  # the argmax of the log densities, as ``classify``: the points download's components
        noisy, resp = False, responsibilities(values, model)
        chosen = numbers[classify(values, model)]
    table = pd.DataFrame({"value": values, "component": chosen})
    if noisy:
        table["label"] = np.where(chosen == NOISE_COMPONENT, NOISE_LABEL, chosen.astype(str))
    for j, number in enumerate(numbers):
        table[f"r{number}"] = resp[:, j]
    table["uncertainty"] = 1.0 - resp.max(axis=1)
    return table


def load_fitted(path: str | os.PathLike[str]) -> GMM | NoisyMixture:
    """The model saved as JSON at ``path`` (``GMM.to_dict`` or ``NoisyMixture.to_dict``;
    other keys ignored): a ``NoisyMixture`` when the document has a ``"noise"`` key.

    Raises
    ------
    ValueError
        Starting with the path: the file cannot be read, is not JSON, or a key is missing
        or wrong (naming the key).
    """
    try:
        with open(path, encoding="utf-8") as file:
            return model_from_document(json.load(file))
    except (OSError, TypeError, ValueError) as err:  # decoding and JSON errors are ValueErrors
        what = "not JSON: " if isinstance(err, json.JSONDecodeError) else ""
        raise ValueError(f"{os.fspath(path)}: {what}{getattr(err, 'strerror', None) or err}") from None


def compare_assignments(
    first: pd.DataFrame,
    second: pd.DataFrame,
    *,
    first_weights: ArrayLike | None = None,
    second_weights: ArrayLike | None = None,
) -> pd.DataFrame:
    """How two sets of values classified by the same model (``predict``) share out among its
    components: where the second (say a new file) differs from the first (the fitted data).

    Parameters
    ----------
    first, second : pandas.DataFrame
        ``predict`` tables of the same model (the same ``r`` columns).
    first_weights, second_weights : array-like of shape (len(first),), (len(second),), optional
        Frequencies of the rows (``fit_em``'s ``weights``): a row of weight 2 counts as two
        values, in the counts, the shares and the mean uncertainties. None: each row once.

    Returns
    -------
    pandas.DataFrame
        One row per component (the noise first, as 0, when the model has one), columns
        ``COMPARISON_COLUMNS``: the number and share of each table's values classified to
        it, ``share_difference`` (second minus first), and each table's mean uncertainty
        among those values (NaN where it has none). With weights, the counts are sums of
        weights (floats).
    """
    for name, table in (("first", first), ("second", second)):
        if not isinstance(table, pd.DataFrame) or not {"component", "uncertainty"} <= set(table.columns):
            raise TypeError(f"{name}: expected a table returned by emgmm.predict.")
    r_first = [c for c in first.columns if c[:1] == "r" and c[1:].isdigit()]
    r_second = [c for c in second.columns if c[:1] == "r" and c[1:].isdigit()]
    if r_first != r_second:
        raise ValueError(
            f"second: classified by another model (columns {', '.join(r_second)}, "
            f"the first's {', '.join(r_first)}); classify both with the same one."
        )
    numbers = np.array([int(c[1:]) for c in r_first])
    tables = (first, second)
    weights = [
        _row_weights(name, w, len(t))
        for name, w, t in zip(
            ("first_weights", "second_weights"), (first_weights, second_weights), tables, strict=True
        )
    ]
    rows = []
    for number in numbers:
        # a row's weight where it is classified to ``number``, 0 elsewhere
        picked = [
            np.where(t["component"].to_numpy() == number, w, 0.0)
            for t, w in zip(tables, weights, strict=True)
        ]
        counts = [float(p.sum()) for p in picked]
        shares = [c / t if t > 0 else 0.0 for c, t in zip(counts, (w.sum() for w in weights), strict=True)]
        means = [
            float(np.dot(p, t["uncertainty"].to_numpy()) / c) if c > 0 else np.nan
            for t, p, c in zip(tables, picked, counts, strict=True)
        ]
        if first_weights is None and second_weights is None:
            counts = [int(c) for c in counts]  # rows counted, as whole numbers
        label = NOISE_LABEL if number == NOISE_COMPONENT else str(number)
        rows.append(
            (number, label, counts[0], shares[0], counts[1], shares[1], shares[1] - shares[0], *means)
        )
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


def _row_weights(name: str, weights: ArrayLike | None, n_rows: int) -> np.ndarray:
    """``weights`` as floats, checked against the table's rows (ones when None)."""
    if weights is None:
        return np.ones(n_rows)
    out = np.asarray(weights, dtype=np.float64)
    if out.shape != (n_rows,) or not np.all(np.isfinite(out)) or np.any(out < 0):
        raise ValueError(
            f"{name}: expected {n_rows} finite, non-negative weights (one a row), got shape {out.shape}"
            + ("" if out.shape != (n_rows,) else " with a negative or non-finite weight")
            + "."
        )
    return out
