"""Random starts and mclust's deterministic start side by side: ``fit_starts`` with one
more start, the hierarchical one (``init="hc"``, ``hierarchical``), as its last block.

Explore starts shows whether EM's random starts reach the best fit; mclust users start
from ``hc`` instead, and want to know whether that start gets there too.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from ._types import RngLike
from .em import Callback, fit_starts

#: ``fit_starts``' per-start attrs, lists in start order, that the hc start extends.
PER_START_ATTRS = ("stop_reasons", "final_log_likelihoods", "n_iters", "last_gains")


def fit_starts_and_hc(
    x: object,
    n_components: int,
    n_starts: int,
    *,
    max_iter: int = 300,
    tol: float = 1e-8,
    init: str = "kmeans++",
    tied_sd: bool = False,
    weights: object = None,
    rng: RngLike = None,
    callback: Callback | None = None,
) -> pd.DataFrame:
    """``fit_starts(x, n_components, n_starts, init=init, ...)`` and then one start from
    ``init="hc"``, in one table.

    Parameters
    ----------
    x, n_components, n_starts, max_iter, tol, init, tied_sd, weights, rng, callback
        As for ``em.fit_starts``; ``init`` is the random starts' ("hc" there would repeat
        one start ``n_starts`` times). ``callback`` sees the hc start as start ``n_starts``.

    Returns
    -------
    pandas.DataFrame
        ``fit_starts``' table with the hc start's history as start ``n_starts`` (counting
        from 0), after the random ones. ``attrs``: ``fit_starts``' of the random starts,
        with the per-start lists (``PER_START_ATTRS``) extended by the hc start,
        ``best_start`` the first start of the highest final log-likelihood among all
        ``n_starts + 1``, ``n_init`` = ``n_starts + 1`` and ``hc_start`` = ``n_starts``.
    """
    run = partial(fit_starts, x, n_components, max_iter=max_iter, tol=tol, tied_sd=tied_sd, weights=weights)
    random = run(n_starts, init=init, rng=rng, callback=callback)
    # hc draws nothing from rng: the same start whatever the seed
    hc_callback = None if callback is None else lambda _s, i, m, ll: callback(n_starts, i, m, ll)
    hc = run(1, init="hc", rng=0, callback=hc_callback)
    table = pd.concat([random, hc.assign(start=n_starts)], ignore_index=True)
    table.attrs = dict(random.attrs)
    for name in PER_START_ATTRS:
        table.attrs[name] = [*random.attrs[name], *hc.attrs[name]]
    table.attrs.update(
        best_start=int(np.argmax(table.attrs["final_log_likelihoods"])),  # the first of equal maxima
        n_init=n_starts + 1,
        hc_start=n_starts,
    )
    return table
