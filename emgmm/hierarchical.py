"""Model-based hierarchical agglomeration (mclust's ``hc`` with model "V", Fraley 1998):
a deterministic start for EM (``fit_em(init="hc")``).

Every distinct value starts as a cluster (repeated values together, as mclust's
``dupPartition``); each step merges the two clusters whose merge lowers the classification
log-likelihood of the unequal-variance model least. Up to constants, that criterion is
``-sum_c n_c log((W_c + alpha) / n_c)`` over the clusters c, with n_c the number of points
and W_c their sum of squares about the cluster's mean, so a merge of clusters i and j costs
(mclust's ``hc1v``)::

    cost(i, j) = n_ij log((W_i + W_j + n_i n_j / n_ij (m_i - m_j)^2 + alpha) / n_ij)
                 - n_i log((W_i + alpha) / n_i) - n_j log((W_j + alpha) / n_j),   n_ij = n_i + n_j

with ``alpha`` = ``HC_ALPHA`` times the variance of the values, so the tree does not
depend on the data's units. Of equal costs the first pair in the order of the sorted
distinct values is merged (mclust breaks ties by its own storage order, so on data with
ties its tree can differ).

Note: for one-dimensional data mclust itself (``Mclust``, ``mclustBIC``, version 6.1)
starts from quantile classes (``qclass``), not from ``hc``; ``hc(x, "V")`` is its
start only when asked for (``initialization = list(hcPairs = hc(x, "V"))``).
"""

from __future__ import annotations

import numpy as np

from ._types import FloatArray, IntArray
from .model import GMM

#: hc reads at most this many points (at equal strides through the data), so that its
#: matrix of merge costs stays at 2 MB and a start takes a tenth of a second (mclust's
#: ``hc`` runs on a random sample of ``mclust.options("subset")`` = 2000 for larger data).
HC_SUBSAMPLE = 500
#: ``alpha`` of the criterion, in units of the values' variance: keeps log(W + alpha) finite
#: for a cluster of one value. mclust's is float64's epsilon in the data's own units
#: (``max(min(var, eps), eps)``), which makes its tree depend on them, a little.
HC_ALPHA = float(np.finfo(np.float64).eps)


def _terms(count: FloatArray, within: FloatArray, alpha: float) -> FloatArray:
    """Each cluster's ``n log((W + alpha) / n)``."""
    out: FloatArray = count * np.log((within + alpha) / count)
    return out


#: Rows of merge costs computed at once: (rows, clusters) temporaries of a few hundred KiB.
_BLOCK = 64


def _merge_costs(
    rows: IntArray, count: FloatArray, mean: FloatArray, within: FloatArray, term: FloatArray, alpha: float
) -> FloatArray:
    """``cost(i, j)`` for the clusters i in ``rows`` and every cluster j, shape (rows, g): inf
    for j = i and for merged-away clusters (whose count is 0)."""
    ci, mi, wi, ti = (a[rows, None] for a in (count, mean, within, term))
    n = ci + count
    with np.errstate(divide="ignore", invalid="ignore"):
        d = mi - mean
        joined = wi + within + ci * count / n * (d * d)
        cost: FloatArray = n * np.log((joined + alpha) / n) - ti - term
    cost[:, count == 0] = np.inf
    cost[np.arange(rows.size), rows] = np.inf
    return cost


def hc_labels(z: FloatArray, n_components: int) -> IntArray:
    """The agglomeration of the values ``z`` stopped at ``n_components`` clusters: each
    value's cluster, 0 to ``n_components - 1`` in the order of the clusters' means.

    The costs of all pairs are held (a g x g matrix for g distinct values: 2 MB at
    ``HC_SUBSAMPLE``); each merge recomputes the merged cluster's row and column.

    Parameters
    ----------
    z : ndarray of shape (n,)
        Finite values with at least ``n_components`` distinct ones.
    n_components : int

    Returns
    -------
    ndarray of int of shape (n,)
    """
    values, inverse, counts = np.unique(z, return_inverse=True, return_counts=True)
    g = values.size
    count, mean, within = counts.astype(np.float64), values.astype(np.float64), np.zeros(g)
    alpha = HC_ALPHA * float(np.var(z))
    term = _terms(count, within, alpha)
    owner = np.arange(g)  # the cluster each distinct value belongs to
    cost = np.empty((g, g))
    for start in range(0, g, _BLOCK):
        rows = np.arange(start, min(start + _BLOCK, g))
        cost[rows] = _merge_costs(rows, count, mean, within, term, alpha)
    for _ in range(g - n_components):
        i, j = divmod(int(np.argmin(cost)), g)  # the first of equal costs, row by row
        i, j = min(i, j), max(i, j)  # the lower index keeps the merged cluster
        total = count[i] + count[j]
        shift = mean[j] - mean[i]
        within[i] += within[j] + count[i] * count[j] / total * shift**2
        mean[i] += count[j] / total * shift
        count[i], count[j] = total, 0.0
        within[j] = term[j] = 0.0
        term[i] = _terms(count[i : i + 1], within[i : i + 1], alpha)[0]
        owner[owner == j] = i
        row = _merge_costs(np.array([i]), count, mean, within, term, alpha)[0]
        cost[i], cost[:, i] = row, row
        cost[j], cost[:, j] = np.inf, np.inf
    heads = np.flatnonzero(count > 0)
    order = heads[np.argsort(mean[heads], kind="stable")]
    rank = np.empty(g, dtype=np.intp)
    rank[order] = np.arange(order.size)
    labels: IntArray = rank[owner][inverse]
    return labels


def init_hc(z: FloatArray, n_components: int, sd_floor: float) -> GMM:
    """The start of ``init="hc"``: ``hc_labels`` of at most ``HC_SUBSAMPLE`` of the points ``z``
    (equal strides), then one M-step from that classification: each cluster's share of the
    points, mean and sd (floored at ``sd_floor``; a cluster of one value gets the points'
    sd / K). Deterministic: no random draw."""
    k = n_components
    y = z[:: -(-z.size // HC_SUBSAMPLE)]
    if np.unique(y).size < k:  # the strided sample lost values: read them all
        y = z
    labels = hc_labels(y, k)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    means = np.bincount(labels, weights=y, minlength=k) / counts
    dev2 = np.bincount(labels, weights=(y - means[labels]) ** 2, minlength=k)
    fallback = max(float(np.std(y)) / k, sd_floor)
    sds = np.sqrt(dev2 / counts)
    sds = np.maximum(np.where(sds > 0, sds, fallback), sd_floor)
    return GMM(counts / counts.sum(), means, sds)
