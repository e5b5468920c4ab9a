"""``python -m emgmm``: the original command-line demo, printed instead of animated;
``python -m emgmm fit PATH... --column NAME -k K``: a fit to a column of CSV or Parquet
files on a Dask cluster (the ``dask`` extra; run by ``emgmm.dask.command``);
``python -m emgmm classify MODEL.json PATH``: a saved model applied to new values."""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from .console import iteration_line, number_text, stop_line, write_history
from .em import fit_em
from .history import final_model, iteration_table
from .initialization import INIT_METHODS
from .io.parsing import Values, column_values, parse_table
from .matching import match_components
from .prediction import load_fitted, predict
from .sampling import simulate
from .tolerance import tolerance_comparison


def _number(text: str, kind: type[int] | type[float]) -> float:
    try:
        return kind(text)
    except ValueError:
        expected = "an integer" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None


def _positive_int(text: str) -> int:
    value = int(_number(text, int))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(_number(text, int))
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = _number(text, float)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _non_negative_float(text: str) -> float:
    value = _number(text, float)
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text}")
    return value


def add_stop_and_start(parser: argparse.ArgumentParser) -> None:
    """The options both commands share: the convergence tolerance and the start."""
    parser.add_argument(
        "--tol",
        type=_non_negative_float,
        default=1e-8,
        help="stop when the relative log-likelihood gain is below this (default 1e-8)",
    )
    parser.add_argument(
        "--init", choices=INIT_METHODS, default="kmeans++", help="how EM starts (default kmeans++)"
    )


#: The demo's numeric options, with the original demo's defaults: flags, type, default, help.
DEMO_OPTIONS = (
    ("-r", "--n_real", _positive_int, 5, "number of components generating the data"),
    ("-f", "--n_fit", _positive_int, 5, "number of components in the fitted model"),
    ("-i", "--iter", _positive_int, 300, "maximum number of EM iterations"),
    ("-s", "--spread", _positive_float, 1.5, "spread of the true model: SD of the component means"),
    ("-p", "--n_points", _positive_int, 2000, "number of data points to generate"),
    ("-a", "--animate_frames", _non_negative_int, 1, "print only every n-th iteration's line; 0 prints none"),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with the original demo's options and defaults."""
    parser = argparse.ArgumentParser(
        prog="python -m emgmm",
        description="Draw a random 1-D Gaussian mixture, sample points from it and fit a "
        "mixture to them with EM, printing every n-th iteration.",
        epilog="To fit a column of CSV or Parquet files with Dask instead: "
        "python -m emgmm fit PATH... --column NAME -k K (see python -m emgmm fit --help). "
        "To apply a saved model to new values: python -m emgmm classify MODEL.json PATH "
        "(see python -m emgmm classify --help).",
    )
    add = parser.add_argument
    for short, long, kind, default, text in DEMO_OPTIONS:
        add(short, long, type=kind, default=default, help=f"{text} (default {default})")
    add(
        "--seed", type=_non_negative_int, help="random seed for the data and the fit (default: fresh entropy)"
    )
    add_stop_and_start(parser)
    add(
        "--out",
        metavar="FILE.csv",
        default=None,
        help="write the history table (one row per iteration and component) to this CSV file",
    )
    return parser


def build_fit_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m emgmm fit``."""
    parser = argparse.ArgumentParser(
        prog="python -m emgmm fit",
        description="Fit a 1-D Gaussian mixture with EM to one column of CSV or Parquet files, "
        "read lazily and fitted on a Dask cluster (each E-step a map-reduce over the files' blocks); "
        "prints every iteration and the fitted components.",
    )
    add = parser.add_argument
    add(
        "paths",
        nargs="+",
        metavar="PATH",
        help="CSV (.csv) or Parquet (.parquet, .pq) files: local paths or quoted globs, "
        "or URLs the workers can read (s3://..., hdfs://...)",
    )
    add("--column", required=True, metavar="NAME", help="the column to fit")
    add("-k", "--n-components", type=_positive_int, required=True, help="number of components")
    add(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
        "(default: a local cluster, one worker process per core)",
    )
    add("--max-iter", type=_positive_int, default=300, help="maximum number of EM iterations (default 300)")
    add_stop_and_start(parser)
    add("--n-init", type=_positive_int, default=1, help="number of starts; the best is kept (default 1)")
    add("--tied-sd", action="store_true", help="all components share one sd")
    add("--seed", type=_non_negative_int, help="random seed of the start (default: fresh entropy)")
    add("--out", metavar="FILE.csv", default=None, help="write the history table to this CSV file")
    return parser


def _fit_files(argv: list[str]) -> int:
    """``python -m emgmm fit``: the arguments checked here, the run by ``emgmm.dask.command``."""
    args = build_fit_parser().parse_args(argv)
    try:
        from .dask.command import run_fit
    except ModuleNotFoundError as err:
        if (err.name or "").split(".")[0] not in ("dask", "distributed"):
            raise
        print(f"error: fit needs Dask ({err}); install it with pip install 'emgmm[dask]'.", file=sys.stderr)
        return 2
    return run_fit(args)


def build_classify_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m emgmm classify``."""
    parser = argparse.ArgumentParser(
        prog="python -m emgmm classify",
        description="Apply a fitted model to values: write a CSV with each value, its most responsible "
        "component (numbered from 1) and every component's responsibility r1..rK, the columns of the "
        "dashboard's points download (and, with --uncertainty, 1 - max r). A model saved with a noise "
        "component (a key noise) adds label (noise or the number) and r0, the noise's responsibility; "
        "its noise is component 0. PATH is read as the dashboard reads an upload: comma, semicolon or "
        "tab separated, a header row or none, decimal commas and thousands separators as the file has "
        "them; cells that are not numbers are dropped and said in a note on stderr. "
        "A problem with either file is one line on stderr, exit status 2.",
    )
    add = parser.add_argument
    add("model", metavar="MODEL.json", help="lists weights, means and sds, as the dashboard's model download")
    add("path", metavar="PATH", help="a CSV file (with a header row or none), or one number per line")
    add("--column", metavar="NAME", help="the column to classify (needed if several hold numbers)")
    add(
        "--uncertainty",
        action="store_true",
        help="add a column uncertainty, 1 - max_k r_k (mclust's): how unsure the component is",
    )
    add("--out", metavar="OUT.csv", help="write the table to this file (default: standard output)")
    return parser


#: Caps of the command line's reading: none to speak of (the page's guard a shared server;
#: a local file is the user's own memory to spend).
NO_CAP = 2**53


def read_values(path: str, column: str | None) -> Values:
    """The values to classify: ``column`` of the file ``path``, else its only column of
    numbers, read as the page reads an upload (``io.parse_table``: separator, header,
    encoding, decimal commas and thousands as the file has them); cells that are not
    numbers are dropped, as the page drops them, and said in the note.

    Raises
    ------
    ValueError
        Naming the file: unreadable, refused by the page's reader (its message, naming the
        line or the cell), no such column (listing those there are), or a column of no numbers.
    """
    try:
        with open(path, "rb") as file:
            content = file.read()
    except OSError as err:
        raise ValueError(f"{path}: {err.strerror or err}") from None
    try:
        table = parse_table(content, NO_CAP, max_bytes=NO_CAP, max_numbers=NO_CAP)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None
    numeric = ", ".join(map(repr, table.columns))
    if column is None:
        if len(table.columns) > 1:
            raise ValueError(
                f"--column: {path} has {len(table.columns)} columns of numbers ({numeric}); "
                "name the one to classify."
            )
        column = next(iter(table.columns))
    elif column not in table.columns:
        if column in table.names:
            raise ValueError(
                f"--column: column {column!r} of {path} holds no numbers; its columns of numbers are {numeric}."
            )
        raise ValueError(
            f"--column: no column {column!r} in {path}; its columns are {', '.join(map(repr, table.names))}."
        )
    return column_values(table, column)


def _classify(argv: list[str]) -> int:
    """``python -m emgmm classify``."""
    args = build_classify_parser().parse_args(argv)
    try:
        values = read_values(args.path, args.column)
        table = predict(values.x, load_fitted(args.model))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if values.note():  # the page's note under the data: what was dropped, how commas read
        print(f"note: {args.path}: {values.note()}", file=sys.stderr)
    if not args.uncertainty:
        table = table.drop(columns="uncertainty")
    if args.out is None:
        table.to_csv(sys.stdout, index=False)
        return 0
    return write_history(table, args.out, "Classified values")


def main(argv: list[str] | None = None) -> int:
    """Run the demo, or the ``fit`` or ``classify`` command; returns the exit status."""
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["fit"]:
        return _fit_files(argv[1:])
    if argv[:1] == ["classify"]:
        return _classify(argv[1:])
    args = build_parser().parse_args(argv)
    seed = args.seed if args.seed is not None else int(np.random.default_rng().integers(2**31))
    try:
        # the same data and fit as the dashboard with the same settings and seed
        true_model, x = simulate(args.n_real, args.spread, args.n_points, seed)
        history = fit_em(x, args.n_fit, max_iter=args.iter, tol=args.tol, init=args.init, rng=seed)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    table = iteration_table(history)
    if args.animate_frames > 0:
        last = int(table["iteration"].iloc[-1])
        for row in table.itertuples():
            if row.iteration % args.animate_frames == 0 or row.iteration == last:
                print(iteration_line(row.iteration, row.neg_log_likelihood, row.gain_pct))
    print(stop_line(history))
    print(tolerance_comparison(history).sentence())
    with np.errstate(over="ignore"):  # means near 1e308: a distance of opposite means overflows to inf
        matched = match_components(true_model, final_model(history))
    with pd.option_context(
        "display.width", 120, "display.max_columns", 20, "display.float_format", number_text
    ):
        print(matched.to_string(index=False))
    return write_history(history, args.out) if args.out else 0
