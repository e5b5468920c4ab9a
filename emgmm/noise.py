"""A noise component: a uniform density over the data's range as component 0, beside the
Gaussians, with its own weight (mclust's ``noise`` initialisation, its ``Vinv`` being
``1 / (max(x) - min(x))`` in one dimension). A few outliers go to the noise instead of
bending or widening a Gaussian.

A fit with ``noise=True`` (``fit_em``) records the noise in its history as component 0
(``NOISE_COMPONENT``): its ``weight`` is the noise weight, its ``mean`` and ``sd`` those of
the uniform (the middle of the range and ``range / sqrt(12)``, for tables; the density
is the uniform's, never a normal's), and ``attrs["noise_range"]`` holds ``(low, high)``.
``noisy_model_at`` reads the exact mixture back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._types import FloatArray
from .degeneracy import health_table
from .history import model_at
from .model import GMM, _ranked_log_densities
from .validation import check_sample, positive_points

#: The component number of the noise, in histories and prediction tables.
NOISE_COMPONENT = 0
#: The label the noise has where components are named (``prediction.prediction_table``).
NOISE_LABEL = "noise"
#: The noise weight of a start (the Gaussians share the rest in their start's proportions):
#: EM cannot grow a weight from zero, and a twentieth leaves the Gaussians' start almost as it was.
NOISE_START = 0.05


@dataclass(frozen=True, eq=False)
class NoisyMixture:
    """A uniform noise component and Gaussians:
    ``p(x) = noise_weight / (high - low) + (1 - noise_weight) sum_k gaussians.weights[k] N(x; ...)``.

    The noise density is ``1 / (high - low)`` at every x, as mclust's (a new value outside
    the range the noise was fitted on is scored with the same constant).

    Parameters
    ----------
    noise_weight : float
        In [0, 1].
    low, high : float
        The range of the fitted data, ``low < high``.
    gaussians : GMM
        The Gaussian components, their weights relative to each other (summing to one).
    """

    noise_weight: float
    low: float
    high: float
    gaussians: GMM

    def __post_init__(self) -> None:
        if not isinstance(self.gaussians, GMM):
            raise TypeError(f"NoisyMixture.gaussians: expected a GMM, got {type(self.gaussians).__name__}.")
        if not 0.0 <= self.noise_weight <= 1.0:
            raise ValueError(f"NoisyMixture.noise_weight: must be in [0, 1], got {self.noise_weight!r}.")
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(
                f"NoisyMixture: low and high must be finite with low < high, got {self.low!r} and {self.high!r}."
            )

    @property
    def n_components(self) -> int:
        """The number of Gaussian components (the noise not counted)."""
        return self.gaussians.n_components

    @property
    def weights(self) -> FloatArray:
        """All K + 1 weights, the noise's first."""
        out: FloatArray = np.concatenate(
            [[self.noise_weight], (1.0 - self.noise_weight) * self.gaussians.weights]
        )
        return out

    def component_logpdfs(self, x: ArrayLike) -> FloatArray:
        """Log of each component's weighted density, shape (K + 1, n), the noise's in row 0;
        like ``GMM.component_logpdfs``, but far from every Gaussian the Gaussians' rows keep
        their ranking (``model._ranked_log_densities``) and the noise wins."""
        values = np.asarray(x, dtype=np.float64)
        with np.errstate(divide="ignore"):  # a zero weight is a legitimate -inf
            noise = math.log(self.noise_weight) if self.noise_weight > 0 else -math.inf
            rest = math.log1p(-self.noise_weight) if self.noise_weight < 1 else -math.inf
        noise -= math.log(self.high - self.low)
        gaussian = self.gaussians.component_logpdfs(values) + rest
        out: FloatArray = np.vstack([np.full(values.size, noise), gaussian])
        return out

    def responsibilities(self, x: ArrayLike) -> FloatArray:
        """p(component | x), shape (n, K + 1), the noise in column 0; rows sum to one."""
        values = np.asarray(x, dtype=np.float64)
        log_p = self.component_logpdfs(values)
        lost = np.isneginf(log_p.max(axis=0))
        if np.any(lost):  # noise weight 0 and every Gaussian underflowed: rank the Gaussians
            log_p[1:, lost] = _ranked_log_densities(values[lost], self.gaussians)
        r = np.exp(log_p - log_p.max(axis=0))
        out: FloatArray = (r / r.sum(axis=0)).T
        return out

    def logpdf(self, x: ArrayLike) -> FloatArray:
        """Log of the mixture density at ``x``, shape (n,)."""
        log_p = self.component_logpdfs(x)
        top = log_p.max(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = top + np.log(np.exp(log_p - top).sum(axis=0))
        return out

    def to_dict(self) -> dict[str, Any]:
        """``gaussians.to_dict()`` (so ``GMM.from_dict`` reads the Gaussian part) and
        ``"noise": {"weight", "low", "high"}``."""
        return {
            **self.gaussians.to_dict(),
            "noise": {"weight": self.noise_weight, "low": self.low, "high": self.high},
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> NoisyMixture:
        """The inverse of ``to_dict``.

        Raises
        ------
        ValueError
            When ``"noise"`` is missing or lacks ``weight``, ``low`` or ``high``; or as
            ``GMM.from_dict``.
        """
        noise = document.get("noise") if isinstance(document, Mapping) else None
        if not isinstance(noise, Mapping) or not {"weight", "low", "high"} <= set(noise):
            raise ValueError(
                "NoisyMixture.from_dict: expected a key 'noise' holding 'weight', 'low' and 'high', "
                f"got {noise!r}."
            )
        try:
            weight, low, high = (float(noise[key]) for key in ("weight", "low", "high"))
        except (TypeError, ValueError):
            raise ValueError(f"NoisyMixture.from_dict: 'noise' should hold numbers, got {noise!r}.") from None
        return cls(weight, low, high, GMM.from_dict(document))


def model_from_document(document: Mapping[str, Any]) -> GMM | NoisyMixture:
    """A saved model: a ``NoisyMixture`` when the document has a ``"noise"`` key, else a GMM."""
    if isinstance(document, Mapping) and "noise" in document:
        return NoisyMixture.from_dict(document)
    return GMM.from_dict(document)


def has_noise(history: pd.DataFrame) -> bool:
    """Whether a fit's history holds a noise component (component 0)."""
    return history.attrs.get("noise_range") is not None


def noisy_model_at(history: pd.DataFrame, iteration: int) -> NoisyMixture:
    """The mixture with its noise at one iteration of a ``fit_em(..., noise=True)`` history.

    Raises
    ------
    ValueError
        When the history has no noise component (``attrs["noise_range"]`` is not set).
    """
    if not isinstance(history, pd.DataFrame) or not has_noise(history):
        raise ValueError("history: has no noise component; fit with fit_em(..., noise=True).")
    low, high = history.attrs["noise_range"]
    return noisy_mixture(model_at(history, iteration), float(low), float(high))


def noisy_mixture(every: GMM, low: float, high: float) -> NoisyMixture:
    """The ``NoisyMixture`` a fit with noise records as one GMM (``every``: the noise as
    component 0, its weight the noise's, its mean and sd the uniform's; the model
    ``fit_em``'s callback receives), over the noise range ``[low, high]``."""
    gaussian = every.weights[1:]
    noise_weight = float(every.weights[0])
    relative = (
        gaussian / gaussian.sum() if gaussian.sum() > 0 else np.full(gaussian.size, 1.0 / gaussian.size)
    )
    return NoisyMixture(noise_weight, float(low), float(high), GMM(relative, every.means[1:], every.sds[1:]))


def final_noisy_model(history: pd.DataFrame) -> NoisyMixture:
    """``noisy_model_at`` the last iteration."""
    return noisy_model_at(history, int(history["iteration"].iloc[-1]))


#: Points a pass of ``noisy_health`` takes at a time: (K + 1) responsibilities each.
HEALTH_CHUNK = 2**16


def noisy_health(x: object, model: NoisyMixture, sd_floor: float, weights: object = None) -> pd.DataFrame:
    """``degeneracy.component_health`` of a fit with a noise component: the noise first, as
    component 0 (its weight, the uniform's mean and sd, the points it holds; never
    degenerate: it has no sd to collapse), then the Gaussians, their weights their shares
    of the whole mixture, judged by the same rule as without a noise.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        The data the model was fitted to.
    model : NoisyMixture
        ``final_noisy_model(history)``.
    sd_floor : float
        The fit's sd floor (``attrs["sd_floor"]``).
    weights : array-like of shape (n_points,), optional
        The fit's weights (frequencies); None: each point once.
    """
    data, w = positive_points(*check_sample(x, 1, weights))
    mass = np.zeros(model.n_components + 1)
    for lo in range(0, data.size, HEALTH_CHUNK):  # a million points' (n, K + 1) table, in pieces
        r = model.responsibilities(data[lo : lo + HEALTH_CHUNK])
        mass += r.sum(axis=0) if w is None else w[lo : lo + HEALTH_CHUNK] @ r
    table = health_table(model.gaussians, mass[1:], float(sd_floor))
    table["weight"] = model.weights[1:]
    noise = {
        "component": NOISE_COMPONENT,
        "weight": model.noise_weight,
        "mean": model.low / 2 + model.high / 2,
        "sd": (model.high - model.low) / math.sqrt(12.0),
        "effective_n": float(mass[0]),
        "sd_at_floor": False,
        "degenerate": False,
    }
    return pd.concat([pd.DataFrame([noise]), table], ignore_index=True)
