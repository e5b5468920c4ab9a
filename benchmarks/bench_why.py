"""Server time of the why-views per frame: one point worked out, its share of the M-step,
the formulas' values, the bound along a mean (and their charts), and hard EM.

Run: python -m benchmarks.bench_why [--repeats 15]

For 2,000 and 1,000,000 points (default settings otherwise: 5 true and 5 fitted
components) it prints the median over frames spread across the fit of:

- engine: ``why.frame_sums`` (read off the history: no pass), ``worked_point``,
  ``point_share``, ``parameter_text`` and ``bound.bound_curves`` (the mean that moves most);
- presentation: ``viz.why.point_display`` and ``bound_spec`` (the chart's spec from a template);
- the frame after the last iteration, where ``frame_sums`` makes one pass over the data;

then the time of one hard-EM fit (``hard.fit_hard``) from EM's start: at 2,000 points, and
at 1,000,000 with ``--hard-million`` (a fit's cost, once per fit: tens of seconds, as EM's).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from emgmm import fit_em, model_at
from emgmm.bound import bound_curves
from emgmm.hard import fit_hard
from emgmm.mstep import frame_sums
from emgmm.sampling import simulate
from emgmm.viz import why as vw
from emgmm.why import parameter_text, point_share, worked_point


def frame_views(history, x, t: int) -> tuple[float, float, float]:
    """Seconds in the engine and in the presentation for the views of frame t (wall
    clock), and the CPU seconds of both (what the process spent, however loaded the host)."""
    c0, t0 = time.process_time(), time.perf_counter()
    sums = frame_sums(history, t, x)
    value = float(x[0])
    worked, share = worked_point(value, sums.model), point_share(value, sums)
    parameter_text(model_at(history, min(t + 1, int(history["iteration"].iloc[-1]))), sums.total)
    bound = bound_curves(x, sums)
    t1 = time.perf_counter()
    vw.point_display(worked, share)
    vw.bound_spec(bound)
    return t1 - t0, time.perf_counter() - t1, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--hard-million", action="store_true", help="time hard EM at 10^6 points too")
    args = parser.parse_args()
    print(f"# medians of {args.repeats} frames or runs")
    print(
        "| points | engine, a frame (ms) | charts, a frame (ms) | total (ms) | total, CPU (ms) "
        "| after the last iteration (ms) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    hard_times = {}
    for n in (2_000, 1_000_000):
        _, x = simulate(5, 1.5, n, 1)
        history = fit_em(x, 5, rng=1)
        last = int(history["iteration"].iloc[-1])
        frame_views(history, x, 0)  # warm: imports, Altair's schema
        picks = np.linspace(0, last - 1, args.repeats).astype(int)
        timed = np.array([frame_views(history, x, int(t)) for t in picks])
        final = np.median([sum(frame_views(history, x, last)[:2]) for _ in range(max(3, args.repeats // 3))])
        engine, charts, cpu = np.median(timed, axis=0)
        total = np.median(timed[:, :2].sum(axis=1))
        print(
            f"| {n:,} | {engine * 1e3:.1f} | {charts * 1e3:.1f} | {total * 1e3:.1f} | {cpu * 1e3:.1f} "
            f"| {final * 1e3:.1f} |",
            flush=True,
        )
        if n > 2_000 and not args.hard_million:
            continue
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            fit_hard(x, 5, init_params=model_at(history, 0))
            runs.append(time.perf_counter() - t0)
        hard_times[n] = np.median(runs)
    for n, seconds in hard_times.items():
        print(f"Hard EM from EM's start at {n:,} points, K = 5: {seconds * 1e3:.0f} ms (median of 3)")


if __name__ == "__main__":
    main()
