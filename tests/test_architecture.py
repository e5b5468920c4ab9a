"""The layers, read from the imports: engine <- presentation <- dashboard support <- page.

- the engine (``emgmm`` and its modules, not its sub-packages): numpy, scipy, pandas and
  the standard library only;
- presentation (``emgmm.viz``): adds altair, never streamlit;
- dashboard support (``emgmm.app``): pure logic for the page, never streamlit;
- the Dask backend and the command line (``emgmm.dask``, ``emgmm.cli``): add dask and
  distributed, imported only when a file fit runs, never by the engine;
- the page (``streamlit_app.py``): the only importer of streamlit.

Each layer imports only from its own layer and those below it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import emgmm

ROOT = Path(__file__).resolve().parents[1]
PKG = Path(emgmm.__file__).parent

ENGINE, DASK, VIZ, APP, PAGE = range(5)
LAYER_NAMES = {
    ENGINE: "engine",
    DASK: "Dask backend and command line",
    VIZ: "presentation",
    APP: "dashboard support",
    PAGE: "page",
}
#: Third-party packages and the lowest layer allowed to import each.
THIRD_PARTY = {
    "numpy": ENGINE,
    "scipy": ENGINE,
    "pandas": ENGINE,
    "dask": DASK,
    "distributed": DASK,
    "altair": VIZ,
    "streamlit": PAGE,
    "pyarrow": PAGE,  # Streamlit's own dependency: the page hands it Arrow tables
}


def layer_of(module: str) -> int:
    """The layer of a module of this project, by its dotted name."""
    if module == "streamlit_app":
        return PAGE
    parts = module.split(".")
    if len(parts) > 1 and parts[1] == "viz":
        return VIZ
    if len(parts) > 1 and parts[1] == "app":
        return APP
    if len(parts) > 1 and parts[1] in ("dask", "cli", "__main__"):
        return DASK
    return ENGINE


def imported(module: str, source: str) -> list[str]:
    """Absolute names of what ``source`` (the text of ``module``) imports."""
    package = module.split(".") if module.endswith("__init__") else module.split(".")[:-1]
    package = [p for p in package if p != "__init__"]
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            names.append(target)
            if not node.module:  # "from . import charts": each name is a module
                names += [f"{target}.{a.name}" for a in node.names]
    return names


def violations(module: str, source: str) -> list[str]:
    """Each import of ``module`` that points up a layer or reaches for a forbidden package."""
    layer, found = layer_of(module), []
    for name in imported(module, source):
        top = name.split(".")[0]
        if top in ("emgmm", "streamlit_app"):
            if layer_of(name) > layer:
                found.append(
                    f"{module} ({LAYER_NAMES[layer]}) imports {name} ({LAYER_NAMES[layer_of(name)]})"
                )
        elif top in THIRD_PARTY and THIRD_PARTY[top] > layer:
            found.append(f"{module} ({LAYER_NAMES[layer]}) imports {top}")
        elif top not in THIRD_PARTY and top not in sys.stdlib_module_names and top != "__future__":
            found.append(f"{module} imports {top}, which no layer declares")
    return found


def project_modules() -> dict[str, str]:
    modules = {"streamlit_app": (ROOT / "streamlit_app.py").read_text()}
    for path in PKG.rglob("*.py"):
        name = ".".join(path.relative_to(PKG.parent).with_suffix("").parts)
        modules[name] = path.read_text()
    return modules


def test_every_import_points_down():
    found = [v for module, source in project_modules().items() for v in violations(module, source)]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("emgmm.model", "import altair", "emgmm.model (engine) imports altair"),
        ("emgmm.em", "import streamlit as st", "emgmm.em (engine) imports streamlit"),
        ("emgmm.viz.charts", "import streamlit", "emgmm.viz.charts (presentation) imports streamlit"),
        ("emgmm.app.settings", "from streamlit import session_state", "imports streamlit"),
        ("emgmm.em", "from .viz import charts", "emgmm.em (engine) imports emgmm.viz (presentation)"),
        ("emgmm.viz.screens", "from ..app import settings", "imports emgmm.app (dashboard support)"),
        ("emgmm.history", "import requests", "emgmm.history imports requests, which no layer declares"),
        ("emgmm.em", "import dask.array as da", "emgmm.em (engine) imports dask"),
        (
            "emgmm.steps",
            "from .dask import fit_em_dask",
            "imports emgmm.dask (Dask backend and command line)",
        ),
    ],
)
def test_an_import_pointing_up_is_caught(module, source, expected):
    found = violations(module, source)
    assert len(found) == 1 and expected in found[0]


def test_allowed_imports_pass():
    assert violations("emgmm.viz.screens", "from . import charts\nfrom ..history import model_at") == []
    assert violations("streamlit_app", "import streamlit as st\nfrom emgmm.app import settings") == []


def test_engine_imports_without_the_dashboard_packages():
    """``import emgmm`` and a fit, with altair and streamlit made unimportable."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('altair', 'streamlit', 'dask', 'distributed'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import emgmm, emgmm.cli, emgmm.selection, emgmm.matching, emgmm.datasets\n"
        "x, _ = emgmm.sample(emgmm.random_model(2, rng=0), 200, rng=1)\n"
        "print(emgmm.fit_em(x, 2, rng=0).attrs['n_iter'] > 0)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "True"


def test_requirements_txt_matches_the_package_metadata():
    """Streamlit Community Cloud installs requirements.txt; pip install .[app] the metadata:
    both must name the same packages with the same bounds."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = set(project["dependencies"]) | set(project["optional-dependencies"]["app"])
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    listed = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert listed == declared


def test_modules_stay_small():
    for path in PKG.rglob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path


def test_public_api_is_exported():
    for name in (
        "GMM",
        "random_model",
        "sample",
        "fit_em",
        "model_at",
        "final_model",
        "responsibilities",
        "classify",
    ):
        assert name in emgmm.__all__ and hasattr(emgmm, name)
