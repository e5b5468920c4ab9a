"""The data on screen as one value (``Data``), and the store that keeps data sets and
parsed uploads for every session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import streamlit as st

from emgmm.app.cache import BoundedStore
from emgmm.model import GMM

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Data:
    """The data on screen: a key naming it, the values, the true model if known, a
    one-line caption, a longer description, and the name of the values (the x axis)."""

    key: tuple[object, ...]
    x: np.ndarray
    true: GMM | None
    caption: str
    about: str = ""
    x_title: str = "x"
    weights: np.ndarray | None = None  # frequencies: a row of weight 2 counts as two


# Data sets and parsed uploads live in one store shared by every session, bounded in
# bytes (a million points is 8 MB; a wide upload's table up to 64 MB), so that a busy
# shared server holds at most DATA_BYTES of them whatever its visitors load.
DATA_BYTES = 256 * 2**20


@st.cache_resource
def data_store() -> BoundedStore:
    """The data store every session shares (one per server)."""
    return BoundedStore(max_entries=32, max_bytes=DATA_BYTES)


def stored(key: tuple[object, ...], make: Callable[[], T], spinner: str) -> T:
    """``make()``, kept in the shared data store under ``key``."""
    store = data_store()
    value = store.get(key)
    if value is None:
        with st.spinner(spinner):
            value = make()
        store.put(key, value)
    return value
