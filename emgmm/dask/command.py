"""``python -m emgmm fit``: read a column of files lazily, fit on a Dask cluster, print.

The files' headers are checked before any cluster starts; then the fit runs on the
scheduler at ``--scheduler``, or on a local cluster of one worker process per core. A
problem with the paths, the column or the values is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import dask
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster

from ..console import iteration_line, number_text, stop_line, write_history
from ..em import Callback
from ..history import component_numbers, final_model, relative_gain
from ..model import GMM
from .files import column_with_note
from .fit import fit_em_dask


@contextmanager
def _quiet_workers() -> Iterator[None]:
    """Worker processes started inside log only what is critical: Dask's own shutdown
    chatter (a heartbeat cut short, a connection closed) would otherwise follow the
    results, or an error's one line. Their failures still reach the client as exceptions."""
    key, before = "DASK_LOGGING__DISTRIBUTED", os.environ.get("DASK_LOGGING__DISTRIBUTED")
    os.environ[key] = "critical"  # read by each worker process as it starts
    try:
        yield
    finally:
        if before is None:
            del os.environ[key]
        else:
            os.environ[key] = before


@contextmanager
def connected(address: str | None) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a local cluster sized to the
    machine: one worker process per core, one thread each."""
    if address is not None:
        try:
            remote = Client(address, timeout="10s")
        except OSError as err:  # refused, unknown host or timed out
            raise OSError(f"--scheduler: cannot reach a Dask scheduler at {address} ({err})") from err
        with remote as client:
            yield client
        return
    with _quiet_workers():
        cluster = LocalCluster(
            n_workers=os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        )
    with cluster, Client(cluster) as client:
        yield client


def _printer(n_init: int) -> Callback:
    """A callback printing each iteration as it ends (and each start's number, if several)."""
    previous = 0.0

    def show(start: int, iteration: int, _model: GMM, log_likelihood: float) -> None:
        nonlocal previous
        if iteration == 0 and n_init > 1:
            print(f"Start {start + 1} of {n_init}")
        gain = float(relative_gain(log_likelihood, previous)) * 100.0  # not shown at iteration 0
        print(iteration_line(iteration, -log_likelihood, gain), flush=True)
        previous = log_likelihood

    return show


def _one_line(err: BaseException) -> str:
    """The error as one line."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def components_table(history: pd.DataFrame) -> str:
    """The fitted components, as the command line prints them."""
    model = final_model(history)
    table = pd.DataFrame(
        {
            "component": component_numbers(model.n_components),
            "weight": model.weights,
            "mean": model.means,
            "sd": model.sds,
        }
    )
    with pd.option_context("display.width", 120, "display.float_format", number_text):
        return str(table.to_string(index=False))


def run_fit(args: argparse.Namespace) -> int:
    """Run ``python -m emgmm fit`` with parsed arguments; returns the exit status."""
    seed = args.seed if args.seed is not None else int(np.random.default_rng().integers(2**31))
    try:
        x, note = column_with_note(args.paths, args.column)
    except (ValueError, TypeError, OSError) as err:
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return 2
    try:
        with connected(args.scheduler):
            # read once for both: the values stay on the workers, the note comes here
            x, note = dask.persist(x, note)
            for line in str(note.compute()).splitlines():  # the page's note under its data
                print(f"note: {line}")
            history = fit_em_dask(
                x,
                args.n_components,
                max_iter=args.max_iter,
                tol=args.tol,
                init=args.init,
                n_init=args.n_init,
                tied_sd=args.tied_sd,
                rng=seed,
                callback=_printer(args.n_init),
            )
    except (ValueError, TypeError, OSError) as err:  # TimeoutError (no scheduler) is an OSError
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return 2
    print(stop_line(history))
    print(components_table(history))
    return write_history(history, args.out) if args.out else 0
