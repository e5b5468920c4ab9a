"""EM on data too large for one machine's memory: the Dask backend (the ``dask`` extra).

``fit_em_dask(x, n_components, ...)`` is ``emgmm.fit_em`` for a 1-D ``dask.array.Array``:
the same options and history table, each E-step a map-reduce over the blocks.
``read_column(paths, column)`` reads one numeric column of CSV or Parquet files lazily.
"""

from .files import read_column
from .fit import fit_em_dask

__all__ = ["fit_em_dask", "read_column"]
