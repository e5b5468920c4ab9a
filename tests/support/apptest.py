"""Driving the page headless with Streamlit's AppTest: shared by the AppTest suites."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from emgmm.app import settings

if TYPE_CHECKING:  # Streamlit is imported by the first page run, not when tests are collected
    from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 60


def _component_registry() -> Any:
    """One registry of Streamlit's v2 components for every AppTest of the run.

    Each new ``AppTest`` otherwise scans every installed package's metadata for v2
    component manifests (0.7 s here, a third of a short test); the page declares only v1
    components, which that registry does not hold, so one scan serves all."""
    global _REGISTRY
    if _REGISTRY is None:
        from streamlit.components.v2.component_manager import BidiComponentManager

        _REGISTRY = BidiComponentManager()
        _REGISTRY.discover_and_register_components(start_file_watching=False)
    return _REGISTRY


_REGISTRY: Any = None


def start(query: dict[str, str] | None = None) -> AppTest:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if hasattr(at, "_bidi_component_manager"):  # AppTest's own cache of the registry
        at._bidi_component_manager = _component_registry()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def charts_of(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def titles(at: AppTest) -> list[str | None]:
    """Chart titles, and the heading of the frame the browser's player starts on (the
    first when it plays, the last when still)."""
    out = []
    for element in at.get("vega_lite_chart"):
        title = json.loads(element.proto.spec).get("title")
        out.append(title.get("text") if isinstance(title, dict) else title)
        for ds in element.proto.datasets:
            if ds.name == "heading":
                out.append(pa.ipc.open_stream(ds.data.data).read_all().column("text")[0].as_py())
    for player in [e for e in at.get("component_instance") if e.proto.component_name.endswith(".player")]:
        args = json.loads(player.proto.json_args)
        frames = args["payload"]["frames"]["half_steps" if args["settings"]["half_steps"] else "iterations"]
        out.append(frames[0 if args["mode"] == "play" else -1]["title"])
        out += [
            spec.get("title", {}).get("text")
            for spec in args["payload"]["templates"].values()
            if isinstance(spec.get("title"), dict)
        ]
    return out


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def fit(at: AppTest) -> AppTest:
    return at.button(key="fit").click().run()


def set_number(at: AppTest, key: str, value: float) -> AppTest:
    """Set a numeric control as a person would, whichever widget draws it (a stepper, or
    a text box for ``Control.typed``), and run the page."""
    if settings.BY_KEY[key].typed:
        return at.text_input(key=f"{key}__text").input(str(value)).run()
    return at.number_input(key=key).set_value(value).run()


def number_value(at: AppTest, key: str) -> float:
    """A numeric control's value, whichever widget draws it."""
    value = (
        settings.BY_KEY[key].parse(str(at.text_input(key=f"{key}__text").value))
        if settings.BY_KEY[key].typed
        else at.number_input(key=key).value
    )
    assert value is not None, f"{key} is empty"
    return float(value)


#: Numbers the reports ``player_says`` makes up, so each is new to the page.
REPORTS = itertools.count(1)


def player_args(at: AppTest) -> dict[str, Any]:
    """What the page sent the browser's player (``emgmm/viz/player``) on its last run:
    ``payload``, ``settings``, ``settings_seq``, ``mode`` ("play" or "still"), ``token``."""
    (player,) = [e for e in at.get("component_instance") if e.proto.component_name.endswith(".player")]
    return json.loads(player.proto.json_args)


def player_says(at: AppTest, **report: Any) -> AppTest:
    """Run the page as after the browser's player reported ``report`` about the fit on
    screen (its settings, ``finished=True``): what the player sends, for a page that AppTest
    runs without a browser."""
    payload = at.session_state["payload"][1]
    number = next(REPORTS)
    settings_now = {key: at.session_state[key] for key in ("every", "fps", "half_steps", "colour_by")}
    at.session_state["player"] = {**settings_now, "fit": payload["fit"], "id": f"apptest-{number}", **report}
    return at.run()


def skip_to_end(at: AppTest) -> AppTest:
    """From a playing fit to the final view, as the player's "Skip to the end" does."""
    return player_says(at, finished=True)
