"""emgmm: watch the EM algorithm fit a one-dimensional Gaussian mixture.

Pure functions over NumPy arrays and pandas tables; every random function takes ``rng``.
"""

from .bound import bound_curves
from .em import fit_em
from .hard import fit_hard
from .history import final_model, iteration_table, model_at
from .model import GMM, classify, responsibilities
from .mstep import frame_sums
from .noise import NoisyMixture, final_noisy_model, noisy_model_at
from .prediction import compare_assignments, load_fitted, predict
from .prior import Prior, default_prior
from .sampling import random_model, sample
from .tolerance import tolerance_comparison
from .why import worked_point

__all__ = [
    "GMM",
    "NoisyMixture",
    "Prior",
    "bound_curves",
    "classify",
    "compare_assignments",
    "default_prior",
    "final_model",
    "final_noisy_model",
    "fit_em",
    "fit_hard",
    "frame_sums",
    "iteration_table",
    "load_fitted",
    "model_at",
    "noisy_model_at",
    "predict",
    "random_model",
    "responsibilities",
    "sample",
    "tolerance_comparison",
    "worked_point",
]
