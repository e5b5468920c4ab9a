"""EM over a Dask array: each pass is one map-reduce of the engine's statistics over the blocks.

The data is persisted once on the workers and never gathered: an E-step runs
``steps.e_pass`` on every block (one task per block, where the block lives) and sums the
statistics (``steps.combine``) in a tree of fixed shape, so a fit is the same whichever
worker runs what. The client holds the 3K+1 sums, runs the M-step and the loop of the
engine itself (``em.fit_passes``): stop rule, starts, callback and history are those of
``fit_em``. What the standardisation and the starts read of the data (its size, min and
max, a subsample of at most 10 000 points at equal strides, and the k-means++ points at
the indices the engine draws) comes from the blocks too (``blocks``), so the fit equals
``fit_em`` on the same values up to the order of the sums (1e-13 relative, typically).
"""

from __future__ import annotations

import math
from functools import partial
from typing import cast

import dask
import dask.array as da
import numpy as np
import pandas as pd
from dask.delayed import Delayed

from .._types import FloatArray, RngLike
from ..em import Callback, fit_passes
from ..initialization import KMEANS_SUBSAMPLE
from ..model import GMM
from ..options import check_options
from ..scaling import SUBSAMPLE, Standardisation, standardisation_for, subsample
from ..steps import Stats, combine, e_pass, m_step_from
from ..validation import check_data, check_fittable, check_rng
from .blocks import Reads, check_summaries, summarise

#: Statistics of this many blocks are summed per task of the reduction tree.
FAN_IN = 16


def _tree(parts: list[Delayed]) -> Delayed:
    """The sum of the blocks' statistics (``steps.combine``), in a tree of fixed shape."""
    merge = dask.delayed(combine, pure=False)
    while len(parts) > 1:
        parts = [merge(parts[i : i + FAN_IN]) for i in range(0, len(parts), FAN_IN)]
    return parts[0]


class BlockPass:
    """The E-step over the blocks of a persisted Dask array (a ``steps.Pass``): one task per
    block, where the block lives, and the sums in a tree. It holds the array, so the blocks
    stay on the workers for as long as the pass is used."""

    def __init__(self, x: da.Array, standard: Standardisation) -> None:
        self.x = x
        self.standard = standard
        self._blocks: list[Delayed] = list(x.to_delayed().ravel())

    def __call__(self, model: GMM, shift: FloatArray | None = None, detail: bool = False) -> Stats:
        # the parameters travel with the function: one small object per task
        task = partial(e_pass, standard=self.standard, model=model, shift=shift, detail=detail)
        block_pass = dask.delayed(task, pure=False)
        (stats,) = dask.compute(_tree([block_pass(block) for block in self._blocks]))
        return cast(Stats, stats)


def _with_sizes(x: da.Array) -> da.Array:
    """``x``, persisted first if its blocks' sizes are unknown (a dask DataFrame column's)
    and then with those sizes computed."""
    if not any(math.isnan(size) for size in x.shape):
        return x
    x = x.persist()
    x.compute_chunk_sizes()
    return x


def _first_pass(x: da.Array, n_components: int) -> tuple[Standardisation, FloatArray | Reads]:
    """Check the data as ``validation.check_fittable`` does, and read what the
    standardisation and the starts need, in one pass over the blocks.

    Returns the standardisation and the data as the starts read it: the points themselves
    when there are at most 10 000, else a stand-in (``blocks.Reads``).
    """
    limit = max(n_components, 2)
    summaries = [dask.delayed(summarise, pure=False)(block, limit) for block in x.to_delayed().ravel()]
    small = x.size <= max(SUBSAMPLE, KMEANS_SUBSAMPLE)
    # the engine's own strided subsample (``scaling.subsample``), or every point when few
    points = x if small else cast(da.Array, subsample(cast(FloatArray, x)))
    found, values = dask.compute(summaries, points)
    distinct = check_summaries(found)
    check_fittable(distinct, n_components)  # the engine's messages, from the distinct values
    values = np.asarray(values, dtype=np.float64)
    if small:
        return standardisation_for(values), values
    reads = Reads(x, found, values)
    return standardisation_for(cast(FloatArray, reads)), reads


def fit_em_dask(
    x: da.Array,
    n_components: int,
    *,
    max_iter: int = 300,
    tol: float = 1e-8,
    init: str = "kmeans++",
    init_params: GMM | None = None,
    n_init: int = 1,
    tied_sd: bool = False,
    rng: RngLike = None,
    callback: Callback | None = None,
) -> pd.DataFrame:
    """``emgmm.fit_em`` on a 1-D Dask array: the same options, checks and history table.

    Parameters
    ----------
    x : dask.array.Array of shape (n_points,)
        Numbers in blocks of any sizes (unknown sizes are computed). Persisted once on
        the workers of the current scheduler (a ``distributed.Client``, or Dask's local
        threads without one) for the length of the fit, and never gathered.
    n_components, max_iter, tol, init, init_params, n_init, tied_sd, rng, callback
        As for ``emgmm.fit_em``; ``callback`` runs on the client after each pass.

    Returns
    -------
    history : pandas.DataFrame
        As ``emgmm.fit_em`` returns it, equal to it on the same values up to the order of
        the sums (within 1e-10 relative; identical for a single block).

    Raises
    ------
    TypeError, ValueError
        Those of ``emgmm.fit_em``, with its messages; a non-finite value is found in the
        first pass over the data (the message gives how many and the first index).
    """
    options = check_options(n_components, max_iter, tol, init, init_params, n_init, tied_sd)
    if not isinstance(x, da.Array):
        raise TypeError(
            f"x: expected a dask.array.Array, got {type(x).__name__}; for data in memory use "
            "emgmm.fit_em, or wrap it with dask.array.from_array(x, chunks=...)."
        )
    x = _with_sizes(x)
    # the engine's checks of dtype, shape and size, on a stand-in without data
    check_data(np.broadcast_to(np.zeros((), dtype=x.dtype), x.shape))
    x = x.astype(np.float64).persist()  # the data stays on the workers until the fit returns
    standard, reads = _first_pass(x, options.n_components)
    generator = check_rng(rng)
    passes = BlockPass(x, standard)
    sd_floor, n = standard.sd_floor_z, int(x.size)

    def step(model: GMM, stats: Stats) -> GMM:
        return m_step_from(model, stats, n, sd_floor, options.tied_sd, lambda shift: passes(model, shift))

    return fit_passes(passes, step, cast(FloatArray, reads), standard, options, generator, callback)
