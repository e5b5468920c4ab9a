"""The Gaussian mixture as an immutable value, and what it says about data."""

from __future__ import annotations

import json
import numbers
import os
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from ._types import FloatArray, IntArray

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)

#: Weights must sum to one within this tolerance.
WEIGHT_SUM_TOL = 1e-9
#: The keys of a model's dict form (``GMM.to_dict``), in order.
MODEL_KEYS = ("weights", "means", "sds")


def _as_vector(name: str, value: ArrayLike) -> FloatArray:
    try:
        arr = np.array(value, dtype=np.float64)  # a copy: the model owns its arrays
    except (TypeError, ValueError) as err:
        raise TypeError(f"GMM.{name}: expected numbers, got {value!r}.") from err
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"GMM.{name}: expected a non-empty 1-D array, got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"GMM.{name}: every value must be finite, got {arr.tolist()}.")
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False, init=False)
class GMM:
    """A one-dimensional Gaussian mixture: ``p(x) = sum_i weights[i] N(x; means[i], sds[i]**2)``.

    Parameters
    ----------
    weights : array-like of shape (n_components,)
        Mixing probabilities p(y = i): non-negative, summing to one within 1e-9.
    means : array-like of shape (n_components,)
        Component means.
    sds : array-like of shape (n_components,)
        Component standard deviations, all > 0.

    Raises
    ------
    ValueError
        Naming the field and the value, when lengths differ, a value is not finite,
        a weight is negative, the weights do not sum to one, or an sd is not positive.
    """

    weights: FloatArray
    means: FloatArray
    sds: FloatArray

    def __init__(self, weights: ArrayLike, means: ArrayLike, sds: ArrayLike) -> None:
        # frozen: fields are set once here, as read-only copies
        for name, value in (("weights", weights), ("means", means), ("sds", sds)):
            object.__setattr__(self, name, _as_vector(name, value))
        sizes = {len(self.weights), len(self.means), len(self.sds)}
        if len(sizes) != 1:
            raise ValueError(
                "GMM: weights, means and sds must have the same length, got "
                f"{len(self.weights)}, {len(self.means)} and {len(self.sds)}."
            )
        if np.any(self.weights < 0):
            raise ValueError(f"GMM.weights: must be >= 0, got {self.weights.tolist()}.")
        total = float(self.weights.sum())
        if abs(total - 1.0) > WEIGHT_SUM_TOL:
            raise ValueError(f"GMM.weights: should be normalized, but got sum(weights) = {total:.12g}.")
        if np.any(self.sds <= 0):
            raise ValueError(f"GMM.sds: must be > 0, got {self.sds.tolist()}.")

    def to_dict(self) -> dict[str, list[float]]:
        """The model as a plain, JSON-able dict: ``{"weights": [...], "means": [...], "sds": [...]}``.

        Lists of Python floats, components in order (numbered from 1 by
        ``history.component_numbers``). ``json.dumps`` writes each float so that it reads
        back as the same float, so ``GMM.from_dict(json.loads(json.dumps(m.to_dict())))``
        equals ``m`` exactly. Documents that hold more (the dashboard's model download adds
        the log-likelihood, n, K and the settings) start from this dict and add their keys.
        """
        return {name: getattr(self, name).tolist() for name in MODEL_KEYS}

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> GMM:
        """The model a dict describes: the inverse of ``to_dict``.

        Parameters
        ----------
        document : mapping
            With keys ``weights``, ``means`` and ``sds``, each a list of numbers, as
            ``to_dict`` writes. Other keys are ignored, so the dashboard's model JSON
            download (which adds ``log_likelihood``, ``n_points``, ``n_components``,
            ``settings``, ...) reads as it is.

        Returns
        -------
        GMM

        Raises
        ------
        TypeError
            When ``document`` is not a mapping (a JSON object).
        ValueError
            Naming the key: a key is missing, or its value is not a list of numbers; or,
            from ``GMM``, naming the field: lengths differ, a weight is negative, the
            weights do not sum to one, an sd is not positive, a value is not finite.
        """
        if not isinstance(document, Mapping):
            raise TypeError(
                f"GMM.from_dict: expected a dict (a JSON object) with keys {', '.join(MODEL_KEYS)}, "
                f"got {type(document).__name__}."
            )
        for key in MODEL_KEYS:
            if key not in document:
                raise ValueError(
                    f"GMM.from_dict: missing key {key!r}; a model needs {', '.join(map(repr, MODEL_KEYS))}."
                )
            value = document[key]
            # bool is an int to Python, but true/false in a model file is a mistake
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value
            ):
                raise ValueError(
                    f"GMM.from_dict: key {key!r} should be a list of numbers, got {reprlib.repr(value)}."
                )
        return cls(*(document[key] for key in MODEL_KEYS))

    @property
    def n_components(self) -> int:
        """Number of components."""
        return len(self.weights)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GMM):
            return NotImplemented
        return all(np.array_equal(getattr(self, f), getattr(other, f)) for f in ("weights", "means", "sds"))

    def __hash__(self) -> int:
        # + 0.0 turns -0.0 into 0.0: equal models (0.0 == -0.0) must hash alike
        return hash(tuple((getattr(self, f) + 0.0).tobytes() for f in ("weights", "means", "sds")))

    def component_logpdfs(self, x: ArrayLike) -> FloatArray:
        """Log of each component's weighted density, ``log p(x|y=i) + log p(y=i)``.

        Parameters
        ----------
        x : array-like of shape (n,)

        Returns
        -------
        ndarray of shape (n_components, n)
            ``-inf`` where a weight is zero.
        """
        values = np.asarray(x, dtype=np.float64)
        with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
            log_w = np.log(self.weights)
        with np.errstate(over="ignore"):  # far out, z or z**2 overflows: the density is 0
            z = (values[None, :] - self.means[:, None]) / self.sds[:, None]
            out: FloatArray = (log_w - np.log(self.sds) - _LOG_SQRT_2PI)[:, None] - 0.5 * z * z
        return out

    def component_pdfs(self, x: ArrayLike) -> FloatArray:
        """Each component's weighted density ``p(x|y=i) p(y=i)``, shape (n_components, n)."""
        out: FloatArray = np.exp(self.component_logpdfs(x))
        return out

    def logpdf(self, x: ArrayLike) -> FloatArray:
        """Log of the mixture density at ``x``, shape (n,), computed with log-sum-exp."""
        out: FloatArray = logsumexp(self.component_logpdfs(x), axis=0)
        return out

    def pdf(self, x: ArrayLike) -> FloatArray:
        """Mixture density at ``x``, shape (n,)."""
        out: FloatArray = np.exp(self.logpdf(x))
        return out


def load_model(path: str | os.PathLike[str]) -> GMM:
    """The model saved as JSON at ``path``: a ``GMM.to_dict`` document, such as the
    dashboard's model download (its other keys are ignored).

    Raises
    ------
    ValueError
        Starting with the path: the file cannot be read, is not JSON, or (``GMM.from_dict``)
        a key is missing or wrong, naming the key.
    """
    try:
        with open(path, encoding="utf-8") as file:
            return GMM.from_dict(json.load(file))
    except (OSError, TypeError, ValueError) as err:  # decoding and JSON errors are ValueErrors
        what = "not JSON: " if isinstance(err, json.JSONDecodeError) else ""
        raise ValueError(f"{os.fspath(path)}: {what}{getattr(err, 'strerror', None) or err}") from None


def _ranked_log_densities(x: ArrayLike, model: GMM) -> FloatArray:
    """``component_logpdfs``, where a point's every density underflowed replaced by 0 for
    its nearest component in sds and -inf for the others.

    Far enough out (``|x - mean| / sd`` beyond about 1e154) every ``-z**2 / 2`` is -inf
    and the log densities no longer rank the components; ``log|z|``, computed without
    forming ``z``, still does.
    """
    values = np.asarray(x, dtype=np.float64)
    log_p = model.component_logpdfs(values)
    lost = np.isneginf(log_p.max(axis=0))
    if np.any(lost):
        far = values[lost]
        with np.errstate(divide="ignore"):
            log_z = (
                np.log(np.abs(far[None, :] / 2 - model.means[:, None] / 2)) - np.log(model.sds / 2)[:, None]
            )
        log_z[model.weights == 0] = np.inf  # a component of weight zero never takes a point
        nearest = np.argmin(log_z, axis=0)
        log_p[:, lost] = np.where(np.arange(model.n_components)[:, None] == nearest, 0.0, -np.inf)
    return log_p


def responsibilities(x: ArrayLike, model: GMM) -> FloatArray:
    """Posterior probabilities p(y = i | x) of each component for each point.

    Any values, not only those the model was fitted to: this is how a fitted model
    (``history.final_model``, or ``GMM.from_dict`` of a saved one) scores new data;
    ``classify`` gives each value's most probable component, and
    ``python -m emgmm classify`` does both for a file. Column ``i`` belongs to the
    component people know as number ``i + 1`` (``history.component_numbers``).

    Computed in log space (log-sum-exp with the max shift), so points far from every
    component still get finite probabilities that sum to one; a point so far out that
    every density underflows belongs to the component nearest in sds.

    Parameters
    ----------
    x : array-like of shape (n,)
    model : GMM

    Returns
    -------
    ndarray of shape (n, n_components)
    """
    log_p = _ranked_log_densities(x, model)
    # shift by the largest, exponentiate, normalise: far out, log-sum-exp's own rounding
    # (log 2 lost against -1e19) would give probabilities summing to 2
    r = np.exp(log_p - log_p.max(axis=0))
    out: FloatArray = (r / r.sum(axis=0)).T
    return out


def classify(x: ArrayLike, model: GMM) -> IntArray:
    """Index of the component with the highest responsibility for each point: the
    prediction for new values.

    The argmax of ``responsibilities``, found without normalising (ties go to the lower
    index), and like it safe far from every component.

    Parameters
    ----------
    x : array-like of shape (n,)
        Any finite values.
    model : GMM

    Returns
    -------
    ndarray of int of shape (n,)
        0-based positions in the model's arrays; add 1 for the numbers people see
        (``history.component_numbers(model.n_components)[classify(x, model)]``).

    Examples
    --------
    >>> model = GMM.from_dict({"weights": [0.5, 0.5], "means": [0.0, 10.0], "sds": [1.0, 1.0]})
    >>> classify([-1.0, 4.0, 6.0, 1e9], model)
    array([0, 0, 1, 1])
    """
    out: IntArray = np.argmax(_ranked_log_densities(x, model), axis=0)
    return out
