"""Driving the page headless with Streamlit's AppTest: shared by the AppTest suites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
from streamlit.testing.v1 import AppTest

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
