"""The layers, read from the imports: engine <- presentation <- dashboard support <- page.

- the engine (``emgmm`` and its modules, and ``emgmm.io``, the one reader of user data):
  numpy, scipy, pandas and the standard library only;
- presentation (``emgmm.viz``): adds altair, never streamlit;
- dashboard support (``emgmm.app``): pure logic for the page, never streamlit;
- the Dask backend and the command line (``emgmm.dask``, ``emgmm.cli``, ``emgmm.console``):
  add dask and distributed, imported only when a file fit runs, never by the engine;
- the page (``emgmm.page``, one module per section, and ``streamlit_app.py``, the table of
  contents that calls them): the only importers of streamlit.

Each layer imports only from its own layer and those below it, and no module imports
itself through others (no import cycle), even inside a function. ``streamlit_app`` is a
script: run by Streamlit, never imported (importing it would draw the page).
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
    "fsspec": DASK,  # Dask's own dependency: the CSV blocks are read through it
    "altair": VIZ,
    "streamlit": PAGE,
    "pyarrow": PAGE,  # Streamlit's own dependency: the page hands it Arrow tables
}


def layer_of(module: str) -> int:
    """The layer of a module of this project, by its dotted name."""
    if module == "streamlit_app":
        return PAGE
    parts = module.split(".")
    if len(parts) > 1 and parts[1] == "page":
        return PAGE
    if len(parts) > 1 and parts[1] == "viz":
        return VIZ
    if len(parts) > 1 and parts[1] == "app":
        return APP
    if len(parts) > 1 and parts[1] in ("dask", "cli", "console", "__main__"):
        return DASK
    return ENGINE


def imports(module: str, source: str) -> list[tuple[str, list[str], bool]]:
    """What ``source`` (the text of ``module``) imports: each absolute module name, the
    names taken from it ("from x import a, b"; none for "import x"), and whether the
    statement names no module ("from . import charts": each name is a module)."""
    package = module.split(".") if module.endswith("__init__") else module.split(".")[:-1]
    package = [p for p in package if p != "__init__"]
    found: list[tuple[str, list[str], bool]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, [], False) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            found.append((target, [a.name for a in node.names], not node.module))
    return found


def imported(module: str, source: str) -> list[str]:
    """Absolute names of what ``source`` (the text of ``module``) imports."""
    names = []
    for target, taken, bare in imports(module, source):
        names.append(target)
        if bare:
            names += [f"{target}.{name}" for name in taken]
    return names


def violations(module: str, source: str) -> list[str]:
    """Each import of ``module`` that points up a layer or reaches for a forbidden package."""
    layer, found = layer_of(module), []
    for name in imported(module, source):
        top = name.split(".")[0]
        if top == "streamlit_app":
            found.append(f"{module} imports streamlit_app, the script (run by Streamlit, never imported)")
        elif top == "emgmm":
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


def import_graph(modules: dict[str, str]) -> dict[str, set[str]]:
    """Each project module and the project modules it imports: "from package import name"
    counts the module ``name`` when it is one (its package is loaded for any of its modules,
    so that is no edge of its own), else the package (by its ``__init__``)."""

    def resolve(name: str) -> str | None:
        if name in modules:
            return name
        return f"{name}.__init__" if f"{name}.__init__" in modules else None

    graph: dict[str, set[str]] = {}
    for module, source in modules.items():
        targets: set[str | None] = set()
        for target, taken, _ in imports(module, source):
            submodules = [found for name in taken if (found := resolve(f"{target}.{name}"))]
            targets.update(submodules if len(submodules) == len(taken) and taken else [resolve(target)])
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: each strongly connected group of two or more modules
    (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycle():
    assert cycles(import_graph(project_modules())) == []


def test_an_import_cycle_is_caught():
    modules = {
        "emgmm.cli": "def run():\n    from .dask.command import run_fit\n",
        "emgmm.dask.__init__": "",
        "emgmm.dask.command": "from ..cli import stop_line\n",
        "emgmm.io.__init__": "from .parsing import parse_table\n",
        "emgmm.io.parsing": "from emgmm.io import cells\n",
        "emgmm.io.cells": "from emgmm.io.parsing import SEPARATORS\n",
        "emgmm.model": "import numpy as np\n",
    }
    assert cycles(import_graph(modules)) == [
        ["emgmm.cli", "emgmm.dask.command"],
        ["emgmm.io.cells", "emgmm.io.parsing"],
    ]


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
        ("emgmm.io.parsing", "from ..app import text", "emgmm.io.parsing (engine) imports emgmm.app"),
        ("emgmm.io.sniff", "import altair", "emgmm.io.sniff (engine) imports altair"),
        ("emgmm.io.reading", "import dask.dataframe", "emgmm.io.reading (engine) imports dask"),
        (
            "emgmm.steps",
            "from .dask import fit_em_dask",
            "imports emgmm.dask (Dask backend and command line)",
        ),
        (
            "emgmm.__init__",
            "from .page import sidebar",
            "emgmm.__init__ (engine) imports emgmm.page (page)",
        ),
        (
            "emgmm.viz.screens",
            "from emgmm.page.store import Data",
            "(presentation) imports emgmm.page.store (page)",
        ),
        (
            "emgmm.app.custom",
            "from ..page import start",
            "(dashboard support) imports emgmm.page (page)",
        ),
        ("emgmm.dask.command", "import emgmm.page.fit", "imports emgmm.page.fit (page)"),
        ("emgmm.page.fit", "import streamlit_app", "emgmm.page.fit imports streamlit_app, the script"),
        ("emgmm.page.data", "import requests", "emgmm.page.data imports requests, which no layer declares"),
    ],
)
def test_an_import_pointing_up_is_caught(module, source, expected):
    found = violations(module, source)
    assert len(found) == 1 and expected in found[0]


def test_allowed_imports_pass():
    assert violations("emgmm.viz.screens", "from . import charts\nfrom ..history import model_at") == []
    assert violations("streamlit_app", "import streamlit as st\nfrom emgmm.app import settings") == []
    assert violations("streamlit_app", "from emgmm.page import data, fit") == []
    section = "import streamlit as st\nfrom emgmm.viz import frames\nfrom emgmm.app import settings\n"
    assert violations("emgmm.page.fit", section + "from emgmm.page.store import Data\nimport pyarrow") == []


def test_only_the_page_imports_streamlit():
    importers = {
        module
        for module, source in project_modules().items()
        if any(name.split(".")[0] == "streamlit" for name in imported(module, source))
    }
    assert importers and all(m == "streamlit_app" or m.startswith("emgmm.page.") for m in importers)


def test_the_page_layer_is_its_own_package():
    """Every section sits in ``emgmm/page``, imported by ``streamlit_app.py`` (nothing in the
    engine's ``__init__`` loads it, so ``import emgmm`` needs no Streamlit)."""
    modules = project_modules()
    assert layer_of("emgmm.page.fit") == PAGE and layer_of("emgmm.pageant") == ENGINE
    assert not any(n.startswith("emgmm.page") for n in imported("emgmm.__init__", modules["emgmm.__init__"]))
    assert any(n.startswith("emgmm.page") for n in imported("streamlit_app", modules["streamlit_app"]))


def test_the_script_is_the_pages_table_of_contents():
    """``streamlit_app.py`` stays short: page config, sidebar, one call per section."""
    assert len((ROOT / "streamlit_app.py").read_text().splitlines()) < 150


@pytest.mark.slow
def test_engine_imports_without_the_dashboard_packages():
    """``import emgmm`` and a fit, with altair and streamlit made unimportable."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('altair', 'streamlit', 'dask', 'distributed'):\n"
        "            raise ImportError('blocked: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import emgmm, emgmm.cli, emgmm.io, emgmm.selection, emgmm.matching, emgmm.datasets\n"
        "assert emgmm.io.parse_table(b'x\\n1\\n2\\n').n_rows == 2\n"
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
