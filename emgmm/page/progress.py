"""A long computation run when its button is pressed (the bootstrap, Choose K, the LRT,
Explore starts), with a progress bar, its result kept in the session."""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from emgmm.page.store import T

Progress = Callable[[float, str], None]


def computed(
    name: str, key: object, pressed: bool, compute: Callable[[Progress], T], problem: str
) -> T | None:
    """The result of a long computation run when ``pressed``, with a progress bar
    (``compute(progress)`` calls ``progress(fraction, text)``), kept in the session under
    ``name`` for ``key``: None until it has run for this key, or when it failed on the
    data (its message shown, followed by ``problem``: what to do)."""
    if pressed:
        bar = st.progress(0.0, text="Starting")
        shown = {"at": 0.0}

        def progress(fraction: float, text: str) -> None:
            now = time.perf_counter()
            if now - shown["at"] > 0.1:  # Streamlit calls are where a click elsewhere stops the run
                shown["at"] = now
                bar.progress(min(max(fraction, 0.0), 1.0), text=text)

        try:
            st.session_state[name] = (key, compute(progress))
        except ValueError as err:
            st.error(f"{err} {problem}")
            return None
        finally:
            bar.empty()
    stored = st.session_state.get(name)
    return stored[1] if stored and stored[0] == key else None
