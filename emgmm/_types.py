"""Type aliases shared by the engine's signatures."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

#: An array of float64 values.
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: An array of integer indices or counts.
IntArray: TypeAlias = npt.NDArray[np.intp]
#: What every random function accepts as ``rng``: None (fresh entropy), a seed, or a Generator.
RngLike: TypeAlias = "int | np.random.Generator | None"
