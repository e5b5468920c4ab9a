"""``python -m emgmm fit``: CSV and Parquet files fitted on a Dask cluster, and its errors
(one line on stderr, exit status 2)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, fit_em, sample
from emgmm.cli import main

if os.environ.get("CI") == "true":  # in CI a missing Dask is a failure, not a skip
    import distributed
else:
    distributed = pytest.importorskip("distributed")

pytestmark = [pytest.mark.dask, pytest.mark.slow]  # a cluster of worker processes: not in the fast tier

ROOT = Path(__file__).resolve().parents[2]
PARAMS = ["weight", "mean", "sd", "log_likelihood"]


def fit_files(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emgmm", "fit", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def one_line_error(res: subprocess.CompletedProcess[str], text: str) -> bool:
    return (
        res.returncode == 2
        and res.stderr.startswith("error: ")
        and res.stderr.count("\n") == 1
        and text in res.stderr
    )


@pytest.fixture(scope="module")
def values():
    x, _ = sample(GMM([0.3, 0.7], [-2.0, 2.0], [0.5, 1.0]), 3000, rng=1)
    return x


@pytest.fixture
def files(tmp_path, values):
    """The values in two CSV files, one Parquet file, and a file of neither format."""
    frame = pd.DataFrame({"value": values, "label": "a"})
    frame.iloc[:1000].to_csv(tmp_path / "part-1.csv", index=False)
    frame.iloc[1000:].to_csv(tmp_path / "part-2.csv", index=False)
    frame.to_parquet(tmp_path / "all.parquet", row_group_size=1000)
    (tmp_path / "notes.txt").write_text("value\n1\n")
    return tmp_path


def test_csv_files_by_glob_fit_as_in_memory_and_the_history_is_written(client, files, values):
    out = files / "history.csv"
    address = client.scheduler.address
    res = fit_files(
        str(files / "part-*.csv"),
        "--column",
        "value",
        "-k",
        "2",
        "--seed",
        "3",
        "--scheduler",
        address,
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    expected = fit_em(values, 2, rng=3)
    iterations = [line for line in lines if line.startswith("Iteration ")]
    assert iterations[0].startswith("Iteration 0: -LL = ") and len(iterations) == expected.attrs["n_iter"] + 1
    assert f"Converged after {expected.attrs['n_iter']} iterations" in lines
    assert lines[-4].split() == ["component", "weight", "mean", "sd"] and lines[-3].split()[0] == "1"
    assert lines[-1] == f"History written to {out} ({len(expected)} rows)"
    history = pd.read_csv(out)
    np.testing.assert_allclose(history[PARAMS], expected[PARAMS], rtol=1e-10)


def test_a_parquet_file_fits_on_a_local_cluster_started_for_it(files, values):
    """No --scheduler: the command starts (and stops) a local cluster of its own."""
    res = fit_files(
        str(files / "all.parquet"), "--column", "value", "-k", "2", "--seed", "3", "--init", "quantile"
    )
    assert res.returncode == 0, res.stderr
    expected = fit_em(values, 2, rng=3, init="quantile")
    final = expected[expected["iteration"] == expected.attrs["n_iter"]]
    assert [line.split()[1] for line in res.stdout.splitlines()[-2:]] == [f"{w:.4f}" for w in final["weight"]]


@pytest.mark.parametrize(
    ("paths", "text"),
    [
        (["missing.csv"], "missing.csv: no such file."),
        (["nothing-*.csv"], "nothing-*.csv: no such file matches."),
        (["."], "is a directory; name its files"),
        (["notes.txt"], "notes.txt: cannot tell the format from the name"),
        (["part-1.csv", "all.parquet"], "mix CSV and Parquet files"),
    ],
    ids=["no-file", "glob-matches-nothing", "directory", "unknown-format", "mixed-formats"],
)
def test_bad_paths_are_one_line_and_exit_2(files, capsys, monkeypatch, paths, text):
    monkeypatch.chdir(files)
    assert main(["fit", *paths, "--column", "value", "-k", "2"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: ") and err.count("\n") == 1 and text in err and out == ""


@pytest.mark.parametrize("name", ["part-1.csv", "all.parquet"])
def test_a_missing_or_text_column_is_one_line_and_exit_2(files, capsys, name):
    path = str(files / name)
    assert main(["fit", path, "--column", "values", "-k", "2"]) == 2
    _, err = capsys.readouterr()
    assert (
        err.count("\n") == 1 and "no column 'values' in" in err and "its columns are 'value', 'label'" in err
    )
    assert main(["fit", path, "--column", "label", "-k", "2"]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1 and "column 'label'" in err and "not numbers" in err


def test_text_or_a_gap_deep_in_a_csv_file_is_dropped_and_said_as_the_page_says_it(client, tmp_path):
    """Changed with issue 21: the file reads as the page reads an upload, so a cell that is
    not a number, in a block the head did not see, is dropped and said in the page's note
    (it was an error: text then stopped the fit, a gap was a NaN the fit refused)."""
    values = np.random.default_rng(0).normal(size=40_000).astype(object)
    values[-5] = "oops"
    values[-9] = np.nan
    pd.DataFrame({"value": values}).to_csv(tmp_path / "cells.csv", index=False)
    address = client.scheduler.address
    path = tmp_path / "cells.csv"
    res = fit_files(str(path), "--column", "value", "-k", "2", "--scheduler", address, "--seed", "1")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == f"note: {path}: dropped 2 of 40,000 rows: not a number"
    kept = np.delete(values, [-9, -5]).astype(float)
    expected = fit_em(kept, 2, rng=1, max_iter=300)
    iterations = [line for line in res.stdout.splitlines() if line.startswith("Iteration ")]
    assert len(iterations) == expected.attrs["n_iter"] + 1
    final = expected[expected["iteration"] == expected.attrs["n_iter"]]
    assert [line.split()[2] for line in res.stdout.splitlines()[-2:]] == [f"{m:.4f}" for m in final["mean"]]


def test_a_line_the_page_refuses_is_one_line_naming_the_file_and_the_line(client, tmp_path):
    rows = ["1.5,a"] * 30_000
    rows[20_000] = "2.5,b,c"
    (tmp_path / "wide.csv").write_text("value,label\n" + "\n".join(rows) + "\n")
    res = fit_files(
        str(tmp_path / "wide.csv"), "--column", "value", "-k", "2", "--scheduler", client.scheduler.address
    )
    assert one_line_error(res, "wide.csv: Line 20,002 has 3 fields but the header has 2"), res.stderr


def test_without_dask_fit_says_how_to_install_it_and_the_demo_still_runs(tmp_path):
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('dask', 'distributed'):\n"
        "            raise ModuleNotFoundError('No module named ' + repr(name), name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from emgmm.cli import main\n"
        "assert main(['-p', '300', '--seed', '1', '-a', '0']) == 0\n"
        "sys.exit(main(['fit', 'x.csv', '--column', 'v', '-k', '2']))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert one_line_error(res, "fit needs Dask"), res.stderr
    assert "pip install 'emgmm[dask]'" in res.stderr and "true_mean" in res.stdout
