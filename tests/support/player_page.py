"""A page that runs the playback player on its own, for the Chromium tests of its rules,
its maths and its drawing (no Streamlit server): the player's files inline, as the
downloaded HTML file has them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from emgmm.app.text import COLOUR_LABELS
from emgmm.viz import player, screens
from emgmm.viz.player import PLAYER_DIR, VENDORED

#: ``player.payload``'s arguments as the page passes them at its defaults.
PAYLOAD_ARGS: dict[str, Any] = {
    "title": "EM fitting 5 Gaussians",
    "settings": {"every": 1, "fps": 8, "half_steps": False, "colour_by": "component"},
    "bounds": {"every": (1, 50), "fps": (1, 30)},
    "colour_labels": COLOUR_LABELS,
}


def payload_of(
    history: pd.DataFrame, view: screens.DataView, y_max: float = 1.0, **kwargs: Any
) -> dict[str, Any]:
    """``player.payload`` of ``history`` as the page makes it at its defaults; ``settings``
    in ``kwargs`` change the defaults' settings, other keywords pass through (``data``,
    ``last_step``, ``title``)."""
    settings = {**PAYLOAD_ARGS["settings"], **kwargs.pop("settings", {})}
    return player.payload(history, view, y_max, **{**PAYLOAD_ARGS, "settings": settings, **kwargs})


def inline(name: str) -> str:
    """A ``<script>`` holding one of the player's files."""
    return f'<script data-asset="{name}">{(PLAYER_DIR / name).read_text(encoding="utf-8")}</script>'


def page(payload: dict[str, Any] | None = None, mode: str = "first") -> str:
    """The player's libraries and code; with a ``payload``, the player started on it in
    ``mode`` ("play", "first" or "still"), as ``window.player`` once drawn."""
    css = (PLAYER_DIR / "player.css").read_text(encoding="utf-8")
    boot = ""
    if payload is not None:
        data = json.dumps(payload).replace("<", "\\u003c")
        boot = (
            f'<script type="application/json" id="emgmm-payload">{data}</script>'
            "<script>const p = JSON.parse(document.getElementById('emgmm-payload').textContent);"
            f"EmgmmPlayer.start(document.getElementById('host'), p, {{mode: {json.dumps(mode)}, "
            "onReport: (v) => (window.reports = window.reports || []).push(v)})"
            ".then((player) => { window.player = player; });</script>"
        )
    scripts = "".join(inline(name) for name in (*VENDORED, "player.js"))
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><style data-asset="player.css">{css}</style>'
        f'{scripts}</head><body><div id="host"></div>{boot}</body></html>'
    )
