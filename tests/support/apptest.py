"""Driving the page headless with Streamlit's AppTest: shared by the AppTest suites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from emgmm.app import settings

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 60


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def charts_of(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def titles(at: AppTest) -> list[str | None]:
    """Chart titles, and the headings playback frames carry as data."""
    out = []
    for element in at.get("vega_lite_chart"):
        title = json.loads(element.proto.spec).get("title")
        out.append(title.get("text") if isinstance(title, dict) else title)
        for ds in element.proto.datasets:
            if ds.name == "heading":
                out.append(pa.ipc.open_stream(ds.data.data).read_all().column("text")[0].as_py())
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


def skip_to_end(at: AppTest) -> AppTest:
    """From a playing fit to the final view, as the playback's "Skip to the end" does."""
    return button(at, "Skip to the end").click().run()
