"""The options of a fit, checked once at the entry points (``fit_em`` and the Dask
backend's ``emgmm.dask.fit_em_dask``), with messages that name the argument."""

from __future__ import annotations

from dataclasses import dataclass

from .initialization import INIT_METHODS
from .model import GMM
from .validation import check_float, check_int


@dataclass(frozen=True)
class Options:
    """``fit_em``'s options, checked (``check_options``)."""

    n_components: int
    max_iter: int
    tol: float
    init: str
    init_params: GMM | None
    n_init: int
    tied_sd: bool


def check_options(
    n_components: int,
    max_iter: int,
    tol: float,
    init: str,
    init_params: GMM | None,
    n_init: int,
    tied_sd: bool,
) -> Options:
    """``fit_em``'s options, checked, with messages that name the argument."""
    n_components = check_int("n_components", n_components, 1)
    max_iter = check_int("max_iter", max_iter, 1)
    tol = check_float("tol", tol, 0.0)
    n_init = check_int("n_init", n_init, 1)
    if not isinstance(init, str) or init not in INIT_METHODS:
        raise ValueError(f"init: expected one of {', '.join(INIT_METHODS)}; got {init!r}.")
    if init_params is not None:
        if not isinstance(init_params, GMM):
            raise TypeError(f"init_params: expected a GMM, got {type(init_params).__name__}.")
        if init_params.n_components != n_components:
            raise ValueError(
                f"init_params: has {init_params.n_components} components but n_components is {n_components}."
            )
        if n_init != 1:
            raise ValueError(f"n_init: init_params gives a single start, so n_init must be 1, got {n_init}.")
    return Options(n_components, max_iter, tol, init, init_params, n_init, bool(tied_sd))
