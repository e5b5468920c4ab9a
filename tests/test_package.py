import ast
from pathlib import Path

import emgmm

PKG = Path(emgmm.__file__).parent


def test_package_never_imports_streamlit():
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.split(".")[0] == "streamlit" for n in names), path


def test_public_api_is_exported():
    for name in ("GMM", "random_model", "sample", "fit_em", "model_at", "final_model", "responsibilities", "classify"):
        assert name in emgmm.__all__ and hasattr(emgmm, name)


def test_modules_stay_small():
    for path in PKG.glob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path
