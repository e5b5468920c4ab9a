import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, classify, fit_em, responsibilities, sample
from emgmm.app.exports import model_json
from emgmm.app.exports import point_table as exports_point_table
from emgmm.cli import build_parser, main
from emgmm.teaching import point_table

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    """Run the CLI in this process (argparse's exits included), as ``python -m emgmm`` would."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    return subprocess.CompletedProcess(["emgmm", *args], code, out.getvalue(), err.getvalue())


@pytest.mark.slow
def test_the_module_runs_as_a_program():
    res = subprocess.run(
        [sys.executable, "-m", "emgmm", "--seed", "5", "-p", "300"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout == run("--seed", "5", "-p", "300").stdout
    res = subprocess.run(
        [sys.executable, "-m", "emgmm", "-f", "0"], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 2 and "must be at least 1" in res.stderr


def test_cli_prints_iterations_convergence_and_matched_table(tmp_path):
    out = tmp_path / "history.csv"
    res = run("--seed", "3", "-p", "1500", "-a", "10", "--out", str(out))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Iteration 0: -LL = ")
    iters = [int(line.split(":")[0].split()[1]) for line in lines if line.startswith("Iteration")]
    assert iters[:3] == [0, 10, 20]
    assert any(
        line.startswith(("Converged after", "Did not converge after", "Stopped after")) for line in lines
    )
    assert "true_mean" in res.stdout and "mean_error" in res.stdout
    history = pd.read_csv(out)
    assert list(history.columns) == ["iteration", "component", "weight", "mean", "sd", "log_likelihood"]
    assert history["iteration"].max() == iters[-1]


def test_cli_is_reproducible_with_a_seed():
    assert run("--seed", "5", "-p", "300").stdout == run("--seed", "5", "-p", "300").stdout


def test_cli_help_describes_every_option():
    res = run("--help")
    for flag in (
        "--n_real",
        "--n_fit",
        "--iter",
        "--spread",
        "--n_points",
        "--animate_frames",
        "--seed",
        "--tol",
        "--init",
        "--out",
    ):
        assert flag in res.stdout


def test_cli_bad_options_exit_2_with_argparse_message():
    for args, text in (
        (["-f", "0"], "must be at least 1"),
        (["-s", "abc"], "expected a number"),
        (["--init", "x"], "invalid choice"),
    ):
        res = run(*args)
        assert res.returncode == 2 and text in res.stderr


def test_cli_reports_impossible_fit_cleanly():
    res = run("-p", "2", "-f", "5", "--seed", "1")
    assert res.returncode == 2 and "distinct values" in res.stderr and "Traceback" not in res.stderr


def test_cli_spread_near_the_float64_limit_fits_or_says_why_in_one_line(capsys):
    """In-process (``main``): with seed 0 the means stay finite and the fit runs; with
    seed 2 one would not, and the CLI says so in one line and exits 2."""
    assert main(["-s", "1e308", "--seed", "0", "-p", "300", "-a", "0"]) == 0
    out, err = capsys.readouterr()
    assert "true_mean" in out and err == ""
    assert main(["-s", "1e308", "--seed", "2", "-p", "300", "-a", "0"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: spread: 1e+308 puts a component mean beyond") and err.count("\n") == 1


# --- python -m emgmm classify ---------------------------------------------------------

MODEL = GMM([0.3, 0.7], [-2.0, 3.0], [1.0, 0.5])


@pytest.fixture
def model_file(tmp_path):
    """A model as the dashboard's model download writes it (extra keys and all)."""
    path = tmp_path / "em_model.json"
    path.write_text(json.dumps({**MODEL.to_dict(), "log_likelihood": -1.0, "n_points": 5, "settings": {}}))
    return path


def test_demo_options_keep_their_defaults():
    """The original demo's defaults, after its options became a table (DEMO_OPTIONS)."""
    args = vars(build_parser().parse_args([]))
    expected = {"n_real": 5, "n_fit": 5, "iter": 300, "spread": 1.5, "n_points": 2000, "animate_frames": 1}
    assert args == {**expected, "seed": None, "tol": 1e-8, "init": "kmeans++", "out": None}
    text = " ".join(build_parser().format_help().split())
    assert "number of components generating the data (default 5)" in text
    assert "python -m emgmm classify MODEL.json PATH" in text


def test_classify_writes_values_components_and_responsibilities(model_file, tmp_path, capsys):
    data = tmp_path / "data.csv"
    x = np.array([-3.0, -2.0, 0.4, 0.6, 3.0, 1e6])
    pd.DataFrame({"id": range(x.size), "height": x}).to_csv(data, index=False)
    out = tmp_path / "classified.csv"
    assert main(["classify", str(model_file), str(data), "--column", "height", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Classified values written to {out} (6 rows)\n"
    table = pd.read_csv(out)
    assert list(table.columns) == ["value", "component", "r1", "r2"]
    np.testing.assert_array_equal(table["value"], x)
    np.testing.assert_array_equal(table["component"], classify(x, MODEL) + 1)  # numbered from 1
    np.testing.assert_allclose(table[["r1", "r2"]], responsibilities(x, MODEL), rtol=1e-15, atol=0)
    np.testing.assert_allclose(table[["r1", "r2"]].sum(axis=1), 1.0)


def test_classify_reads_one_number_per_line_and_a_single_column_csv(model_file, tmp_path, capsys):
    listed, single = tmp_path / "values.txt", tmp_path / "single.csv"
    listed.write_text("-2.5\n 0.5\n\n4e0\n")  # no header; a blank line is skipped
    single.write_text("reading\n-2.5\n0.5\n4\n")
    expected = point_table([-2.5, 0.5, 4.0], MODEL)
    for path in (listed, single):
        assert main(["classify", str(model_file), str(path)]) == 0
        printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
        pd.testing.assert_frame_equal(printed, expected)


def test_classify_writes_the_dashboards_points_download(tmp_path, capsys):
    """The model download and the data in, the points download out: the same table."""
    x, _ = sample(MODEL, 200, rng=1)
    history = fit_em(x, 2, rng=0)
    (tmp_path / "m.json").write_text(model_json(history, {"n_fit": 2}))
    pd.DataFrame({"x": x}).to_csv(tmp_path / "x.csv", index=False)
    assert main(["classify", str(tmp_path / "m.json"), str(tmp_path / "x.csv")]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    pd.testing.assert_frame_equal(printed, exports_point_table(x, history))


@pytest.mark.parametrize(
    ("model_text", "data_text", "column", "message"),
    [
        (None, "1\n2\n", None, "absent.json: No such file or directory"),
        ("{not json", "1\n2\n", None, "model.json: not JSON: "),
        ('{"weights": [1.0], "means": [0.0]}', "1\n", None, "missing key 'sds'"),
        ('{"weights": [1.0], "means": ["a"], "sds": [1]}', "1\n", None, "key 'means' should be a list"),
        ("GOOD", "a,b\n1,2\n", "c", "--column: no column 'c' in .*data.csv; its columns are 'a', 'b'."),
        (
            "GOOD",
            "a,b\n1,2\n",
            None,
            r"--column: .*data.csv has 2 columns of numbers \('a', 'b'\); name the one",
        ),
        (
            "GOOD",
            "a,b\n1,\n",
            "b",
            r"--column: column 'b' of .*data.csv holds no numbers; .* numbers are 'a'.",
        ),
        (
            "GOOD",
            "a,b\n1,2\n3,4,5\n",
            "b",
            "data.csv: Line 3 has 3 fields but the header has 2: check the sep",
        ),
        ("GOOD", 'v\n1\n"2\n3\n', None, r"data.csv: A quote \(\"\) opened near line 3 never closes"),
        ("GOOD", "height\n", None, "data.csv: No column of this file holds numbers"),
        ("GOOD", "", None, "data.csv: The file is empty"),
    ],
)
def test_classify_errors_are_one_line_and_exit_2(tmp_path, capsys, model_text, data_text, column, message):
    model = tmp_path / ("absent.json" if model_text is None else "model.json")
    if model_text is not None:
        model.write_text(json.dumps(MODEL.to_dict()) if model_text == "GOOD" else model_text)
    data = tmp_path / "data.csv"
    data.write_text(data_text)
    argv = ["classify", str(model), str(data)] + (["--column", column] if column else [])
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and err.count("\n") == 1
    assert re.search(message, err), err


@pytest.mark.parametrize(
    ("data_text", "column", "x", "note"),
    [
        ("a,b\n1,2\n3,x7\n", "b", [2.0], "dropped 1 of 2 rows: not a number"),
        ("1.5\n2\n\n3,5\n", None, [1.5, 2.0, 3.5], "read 3,5 as 3.5 (decimal commas)"),
        ("1.5\nnan\n", None, [1.5], "dropped 1 of 2 rows: not a number"),
        ("1.5\n1e400\n", None, [1.5], "dropped 1 of 2 rows: not a number"),
        ("label,v\na,2.5\nb,3\n", None, [2.5, 3.0], ""),  # the one column of numbers: no --column
    ],
)
def test_classify_reads_as_the_page_reads_and_notes_what_it_dropped(
    tmp_path, capsys, model_file, data_text, column, x, note
):
    """Changed with issue 21: classify reads its file as the page reads an upload (it used
    pandas' own rules): cells that are not numbers are dropped and said in the page's note
    (they were an error), "3,5" among plain numbers is a decimal comma (an error), and a
    file with one column of numbers beside text needs no --column (it did)."""
    data = tmp_path / "data.csv"
    data.write_text(data_text)
    code = main(["classify", str(model_file), str(data)] + (["--column", column] if column else []))
    out, err = capsys.readouterr()
    assert code == 0, err
    np.testing.assert_array_equal(pd.read_csv(io.StringIO(out))["value"], x)
    assert err == (f"note: {data}: {note}\n" if note else "")


def test_classify_command_runs_as_a_module_and_documents_its_input(model_file, tmp_path):
    res = run("classify", "--help")
    assert res.returncode == 0
    for text in ("MODEL.json", "PATH", "--column", "--out", "header row", "one number per line", "r1..rK"):
        assert text in " ".join(res.stdout.split()), text
    data = tmp_path / "v.txt"
    data.write_text("0\n")
    res = run("classify", str(model_file), str(data))
    assert res.returncode == 0 and res.stdout.splitlines()[0] == "value,component,r1,r2"
    res = run("classify", str(model_file))
    assert res.returncode == 2 and "the following arguments are required: PATH" in res.stderr
