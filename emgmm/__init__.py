"""emgmm: watch the EM algorithm fit a one-dimensional Gaussian mixture.

Pure functions over NumPy arrays and pandas tables; every random function takes ``rng``.
"""

from .bound import bound_curves
from .em import fit_em
from .hard import fit_hard
from .history import final_model, iteration_table, model_at
from .model import GMM, classify, responsibilities
from .mstep import frame_sums
from .sampling import random_model, sample
from .why import worked_point

__all__ = [
    "GMM",
    "bound_curves",
    "classify",
    "final_model",
    "fit_em",
    "fit_hard",
    "frame_sums",
    "iteration_table",
    "model_at",
    "random_model",
    "responsibilities",
    "sample",
    "worked_point",
]
