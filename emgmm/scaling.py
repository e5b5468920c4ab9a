"""The data's own units: where it lies, how spread it is, and how finely float64 resolves it.

EM runs on ``z = (x - centre) / scale`` (chunk by chunk; the data is never copied) and
maps the parameters back, so a fit does not depend on the units of the data: data near
1e-320 or 1e300, or at 1e15 with a spread of 1, fits like data of spread 1 near 0.

- ``centre`` is a data value, the lower median of a bounded subsample, so values near
  it are standardised without rounding;
- ``scale`` is a power of two, ``2**exponent``, so scaling is exact both ways: a
  parameter's only rounding is the one of storing it in the original units;
- the exponent is the robust scale's (``robust_scale``) rounded to an integer, then kept
  in a range where the data spans at most ``2**SPAN_BITS`` scales and the sd floor is at
  least ``2**-SPAN_BITS`` of one, so every square EM forms stays finite and normal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._types import FloatArray
from .model import GMM

#: Centre and robust scale are read from at most this many points, taken at equal
#: strides through the data (deterministic, no randomness used, no copy of the data).
SUBSAMPLE = 10_000

#: The sd floor is at least this fraction of the robust scale (``robust_scale``): a
#: component that collapses onto one point, or onto a few identical values, keeps
#: sd >= floor, so the likelihood stays finite. One outlier does not move it.
SD_FLOOR_FRACTION = 1e-6

#: ... and at least this many float64 steps at the data's largest magnitude
#: (``numpy.spacing(max|x|)``): below that, a collapsed component's density would
#: measure rounding, not data.
SD_FLOOR_ULPS = 4

#: The range is said to be dominated by outliers when it is more than this many
#: robust scales (normal data of a billion points spans about 12).
OUTLIER_RATIO = 1e3

#: Bounds of the scale's exponent: the data spans at most 2**SPAN_BITS scales, and the
#: sd floor is at least 2**-SPAN_BITS of one.
SPAN_BITS = 300

#: The normal distribution's interquartile range in standard deviations.
IQR_PER_SD = 1.3489795003921634

_MAX = float(np.finfo(np.float64).max)


def subsample(x: FloatArray) -> FloatArray:
    """At most ``SUBSAMPLE`` points of ``x`` at equal strides: a view, never a copy."""
    return x[:: -(-x.size // SUBSAMPLE)]


def span(lo: float, hi: float) -> float:
    """``hi - lo``, or the largest float64 when that difference overflows (-1e308 to 1e308)."""
    with np.errstate(over="ignore"):
        d = float(np.float64(hi) - np.float64(lo))
    return d if math.isfinite(d) else _MAX


def _quartiles(x: FloatArray) -> tuple[float, float, float]:
    """Lower quartile, lower median and upper quartile of ``subsample(x)``, as data values."""
    y = np.array(subsample(x))  # a copy of at most SUBSAMPLE values, partitioned in place
    last = y.size - 1
    ranks = [last // 4, last // 2, -(-3 * last // 4)]
    y.partition(ranks)
    return float(y[ranks[0]]), float(y[ranks[1]]), float(y[ranks[2]])


def _robust(q1: float, q3: float, lo: float, hi: float) -> float:
    robust = span(q1, q3) / IQR_PER_SD
    return robust if robust > 0 else span(lo, hi)


def robust_scale(x: FloatArray) -> float:
    """A spread of ``x`` that one outlier does not set: the interquartile range of
    ``subsample(x)`` in normal sds (``IQR / 1.349``); the range when that is zero.
    ``x`` must hold at least two distinct finite values."""
    q1, _, q3 = _quartiles(x)
    return _robust(q1, q3, float(x.min()), float(x.max()))


def weighted_quantiles(values: FloatArray, weights: FloatArray, probs: FloatArray) -> FloatArray:
    """Quantiles of ``values`` with each value counted ``weights`` times (weights > 0).

    For whole-number weights, numpy's default ("linear") quantiles of the values repeated
    by their weights (``np.quantile(np.repeat(values, weights), probs)``, to rounding). In
    general a value of weight w stands for w / u copies of weight u = min(1, least weight):
    with equal weights of at most 1, the unweighted quantiles.
    """
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    unit = min(1.0, float(w.min()))
    ends = np.cumsum(w) - unit  # where each value's run of copies ends, in weight from the first
    at = probs * ends[-1]  # the (n - 1) p of np.quantile, in weight
    i = np.searchsorted(ends, at, side="left")  # the first run that ends at or after ``at``
    before = np.maximum(i - 1, 0)
    # between the end of the run before and the start of this one, interpolate linearly
    t = np.clip((at - ends[before]) / unit, 0.0, 1.0)
    out: FloatArray = v[before] + t * (v[i] - v[before])
    return out


def evenly_spaced(lo: float, hi: float, n: int) -> FloatArray:
    """``n`` values evenly spaced from ``lo`` to ``hi`` (ends included, both finite), finite
    however wide the range: ``numpy.linspace``, which steps by ``hi - lo`` and so overflows
    near float64's ends (-1e308 to 1e308: every value NaN); there the ends are weighed
    instead, ``lo (1 - t) + hi t``, each term and their sum within the range."""
    if abs(span(lo, hi)) < _MAX / 4:  # numpy's steps, i * (hi - lo) / (n - 1), stay finite
        out: FloatArray = np.linspace(lo, hi, n)
        return out
    t = np.linspace(0.0, 1.0, n)
    out = np.clip(lo * (1.0 - t) + hi * t, lo, hi)
    out[0], out[-1] = lo, hi
    return out


def float_step(magnitude: float) -> float:
    """The float64 step at ``magnitude`` (``numpy.spacing``), also at the largest float,
    where numpy's is infinite (the next float up is inf): there it is the step below, 2**971."""
    magnitude = abs(float(magnitude))
    return float(np.spacing(magnitude)) if magnitude < _MAX else _MAX - float(np.nextafter(_MAX, 0.0))


def _floor(robust: float, max_abs: float) -> float:
    return max(SD_FLOOR_FRACTION * robust, SD_FLOOR_ULPS * float_step(max_abs))


def sd_floor_for(x: FloatArray) -> float:
    """The sd floor for data ``x`` (finite values, at least two distinct):
    ``max(SD_FLOOR_FRACTION * robust_scale(x), SD_FLOOR_ULPS * numpy.spacing(max|x|))``.

    A small fraction of a spread that one outlier cannot inflate, and never below a few
    float64 steps at the data's magnitude (nor below the smallest subnormal step).
    """
    return _floor(robust_scale(x), max(abs(float(x.min())), abs(float(x.max()))))


def outlier_dominates(x: FloatArray) -> bool:
    """Whether a few values set the range: ``max(x) - min(x) > OUTLIER_RATIO * robust_scale(x)``
    (the page can say so: a chart of the whole range then squeezes the bulk of the data)."""
    return span(float(x.min()), float(x.max())) > OUTLIER_RATIO * robust_scale(x)


def _factors(exponent: int) -> tuple[float, ...]:
    """Floats whose product is ``2**exponent``, each a normal float64 (one or two)."""
    if -1022 <= exponent <= 1023:
        return (math.ldexp(1.0, exponent),)
    half = exponent // 2
    return (math.ldexp(1.0, half), math.ldexp(1.0, exponent - half))


@dataclass(frozen=True)
class Standardisation:
    """The map ``z = (x - centre) / 2**exponent`` and what EM needs to know about ``x``.

    Attributes
    ----------
    centre : float
        A data value (lower median of ``subsample(x)``).
    exponent : int
        The scale is ``2**exponent``.
    lo, hi : float
        ``min(x)`` and ``max(x)``.
    robust : float
        ``robust_scale(x)``.
    sd_floor : float
        ``sd_floor_for(x)``, in the data's units.
    """

    centre: float
    exponent: int
    lo: float
    hi: float
    robust: float
    sd_floor: float

    @property
    def max_abs(self) -> float:
        """``max|x|``: float64's step there is the data's resolution."""
        return max(abs(self.lo), abs(self.hi))

    @property
    def span(self) -> float:
        """``max(x) - min(x)`` (the largest float64 if that overflows)."""
        return span(self.lo, self.hi)

    @property
    def log_scale(self) -> float:
        """``log(scale)``: a density in z is ``scale`` times the density in x."""
        return self.exponent * math.log(2.0)

    def to_z(self, x: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``(x - centre) / scale``, into ``out`` if given. Computed as
        ``x / scale - centre / scale``: exact scalings, one rounding, no overflow."""
        result: FloatArray = np.empty(x.shape) if out is None else out
        factors = self._inverse_factors
        if not factors:
            np.subtract(x, self.scaled_centre, out=result)
            return result
        np.multiply(x, factors[0], out=result)
        for factor in factors[1:]:
            result *= factor
        result -= self.scaled_centre
        return result

    @cached_property
    def _inverse_factors(self) -> tuple[float, ...]:
        """Normal floats whose product is ``1 / scale`` (none when the scale is 1)."""
        return _factors(-self.exponent) if self.exponent else ()

    @cached_property
    def sd_floor_z(self) -> float:
        """``sd_floor / scale``: at least 2**-SPAN_BITS, so its square is a normal float64."""
        return math.ldexp(self.sd_floor, -self.exponent)

    @cached_property
    def robust_z(self) -> float:
        """``robust / scale``: at most about sqrt(2)."""
        return math.ldexp(self.robust, -self.exponent)

    @cached_property
    def scaled_centre(self) -> float:
        """``centre / scale``."""
        return math.ldexp(self.centre, -self.exponent)

    def scale_to_z(self, values: FloatArray) -> FloatArray:
        """``values / scale`` (sds): exact unless the result overflows, then capped."""
        with np.errstate(over="ignore"):
            out: FloatArray = np.minimum(np.ldexp(values, -self.exponent), _MAX)
        return out

    def location_to_z(self, values: FloatArray) -> FloatArray:
        """``(values - centre) / scale`` (means), capped at the largest float64."""
        with np.errstate(over="ignore", invalid="ignore"):
            out: FloatArray = np.clip(np.ldexp(values, -self.exponent) - self.scaled_centre, -_MAX, _MAX)
        return out

    def scale_from_z(self, values: FloatArray) -> FloatArray:
        """``values * scale``, capped at the largest float64."""
        with np.errstate(over="ignore"):
            out: FloatArray = np.minimum(np.ldexp(values, self.exponent), _MAX)
        return out

    def location_from_z(self, values: FloatArray) -> FloatArray:
        """``centre + values * scale``, capped at the largest float64."""
        with np.errstate(over="ignore", invalid="ignore"):
            out: FloatArray = np.clip(np.ldexp(values, self.exponent) + self.centre, -_MAX, _MAX)
        return out

    def model_to_z(self, model: GMM) -> GMM:
        """``model`` in z units (a value beyond float64's range is capped)."""
        return GMM(model.weights, self.location_to_z(model.means), self.scale_to_z(model.sds))

    def model_from_z(self, model: GMM) -> GMM:
        """``model`` (z units) in the data's units: sds exact, means rounded once."""
        return GMM(model.weights, self.location_from_z(model.means), self.scale_from_z(model.sds))

    @property
    def outlier_dominates(self) -> bool:
        """``outlier_dominates`` of the data."""
        return self.span > OUTLIER_RATIO * self.robust


def standardisation_for(x: FloatArray) -> Standardisation:
    """Centre and scale for data ``x`` (finite values, at least two distinct); see the module."""
    lo, hi = float(x.min()), float(x.max())
    q1, centre, q3 = _quartiles(x)
    robust = _robust(q1, q3, lo, hi)
    max_abs = max(abs(lo), abs(hi))
    width = span(lo, hi)
    floor = _floor(robust, max_abs)
    # float64 resolves the floor to 2**-52 of max|x| and the span is at most 2 max|x|,
    # so the bounds below leave a non-empty range
    exponent = min(
        max(round(math.log2(robust)), math.ceil(math.log2(width)) - SPAN_BITS),
        math.floor(math.log2(floor)) + SPAN_BITS,
    )
    return Standardisation(centre, int(exponent), lo, hi, robust, floor)
