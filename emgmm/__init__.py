"""emgmm: watch the EM algorithm fit a one-dimensional Gaussian mixture.

Pure functions over NumPy arrays and pandas tables; every random function takes ``rng``.
"""

from .em import fit_em
from .history import final_model, iteration_table, model_at
from .model import GMM, classify, responsibilities
from .sampling import random_model, sample

__all__ = [
    "GMM",
    "classify",
    "final_model",
    "fit_em",
    "iteration_table",
    "model_at",
    "random_model",
    "responsibilities",
    "sample",
]
