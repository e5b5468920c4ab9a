"""Cost of the dashboard's frames: chart build time, spec size, Fit to first frame.

Run: python -m benchmarks.bench_app [--repeats 15]

For 2,000 and 1,000,000 points (default settings otherwise: 5 true and 5 fitted
components) it prints the median time to build one playback frame's charts with Altair
(``screens.frame_screen``) and as the app does during playback (``screens.frame_specs``
filling a template built once per fit), the size of one frame's chart specs with their
data (``chart.to_json()``, and compact JSON), and the median time from pressing Fit to
the first frame's charts being built (the app draws that frame from the fit's progress
callback at iteration 0, before the fit goes on).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time

import numpy as np

from emgmm import fit_em, iteration_table, model_at
from emgmm.sampling import simulate
from emgmm.viz import screens


class FirstFrame(Exception):
    """Stops the fit once the first frame is built, as a rerun would."""


def fit_to_first_frame(x, view, y_max) -> float:
    def callback(start, iteration, model, ll):
        screens.frame_screen(view, model, f"Iteration 0: -LL = {-ll:,.2f}", y_max)
        raise FirstFrame

    t0 = time.perf_counter()
    with contextlib.suppress(FirstFrame):
        fit_em(x, 5, rng=1, callback=callback)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"# medians of {args.repeats} runs")
    print(
        "| points | frame build, Altair (ms) | frame build, playback (ms) "
        "| frame spec, to_json() (KB) | compact JSON (KB) | Fit to first frame (ms) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (2_000, 1_000_000):
        true, x = simulate(5, 1.5, n, 1)
        view = screens.data_view(x, 1)
        y_max = screens.y_ceiling(view, [true])
        history = fit_em(x, 5, rng=1)
        iterations = iteration_table(history)
        last = int(iterations["iteration"].iloc[-1])
        frames = np.linspace(0, last, args.repeats).astype(int)
        builds = []
        for it in frames:
            t0 = time.perf_counter()
            title = screens.history_title(iterations, int(it))
            stacked = screens.frame_screen(view, model_at(history, int(it)), title, y_max)
            builds.append(time.perf_counter() - t0)
        template = screens.frame_template(view, 5, y_max)
        fills = []
        for it in frames:
            t0 = time.perf_counter()
            screens.frame_specs(
                template, view, model_at(history, int(it)), screens.history_title(iterations, int(it))
            )
            fills.append(time.perf_counter() - t0)
        size = sum(len(c.to_json()) for c in stacked)
        compact = sum(len(json.dumps(c.to_dict(), separators=(",", ":"))) for c in stacked)
        first = [fit_to_first_frame(x, view, y_max) for _ in range(args.repeats)]
        print(
            f"| {n:,} | {np.median(builds) * 1e3:.1f} | {np.median(fills) * 1e3:.1f} | "
            f"{size / 1000:.1f} | {compact / 1000:.1f} | {np.median(first) * 1e3:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
