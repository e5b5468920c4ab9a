"""Cost of the dashboard's playback on the server: the payload, Fit to first frame, Explore starts.

Run: python -m benchmarks.bench_app [--repeats 15]

For 2,000 and 1,000,000 points (default settings otherwise: 5 true and 5 fitted
components) it prints:

- the time to build a fit's playback payload once, as the page does: the M-step after the
  last iteration (``mstep.m_step_sums``, one pass over the data: every other frame's M-step
  is read off the history) and ``player.payload`` (Altair builds the specs; the browser then
  draws every frame, its worked point and its next M-step from it, so the server does
  nothing per frame), median of the repeats, its size as the JSON the page sends, the
  number of frames it holds (iterations and E- and M-steps: every setting plays from it),
  and the server's time a frame (the build over the iterations' frames alone, the fewer of
  the two sequences; issue 22's target: 30 ms);
- the median time from pressing Fit to the first frame's charts (``frames.live_frame``,
  drawn from the fit's callback at iteration 0);

then the time of "Explore starts" with S = 20 at 2,000 points, K = 5 (``fit_starts``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time

import numpy as np

from emgmm import fit_em
from emgmm.em import fit_starts
from emgmm.history import final_model
from emgmm.mstep import m_step_sums
from emgmm.sampling import simulate
from emgmm.viz import frames, screens
from tests.support.player_page import payload_of


class FirstFrame(Exception):
    """Stops the fit once the first frame is built, as a rerun would."""


def fit_to_first_frame(x, view, y_max) -> float:
    def callback(start, iteration, model, ll):
        frames.live_frame(view, model, f"Iteration 0: -LL = {-ll:,.2f}", y_max, "component")
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
        "| points | iterations | payload, once (ms) | payload (KB) | frames it holds | server a frame (ms) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    first_frames = {}
    for n in (2_000, 1_000_000):
        true, x = simulate(5, 1.5, n, 1)
        view = screens.data_view(x, 1)
        y_max = screens.y_ceiling(view, [true])
        history = fit_em(x, 5, rng=1)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            last_step = m_step_sums(x, final_model(history))
            made = payload_of(history, view, y_max, last_step=last_step, data=(x, None))
            times.append(time.perf_counter() - t0)
        size = len(json.dumps(made)) / 1000
        held = len(made["frames"]["iterations"]) + len(made["frames"]["half_steps"])
        once = np.median(times) * 1e3
        a_frame = once / len(made["frames"]["iterations"])
        print(f"| {n:,} | {made['n_iter']} | {once:.0f} | {size:.0f} | {held} | {a_frame:.2f} |", flush=True)
        first_frames[n] = np.median([fit_to_first_frame(x, view, y_max) for _ in range(args.repeats)])
    for n, seconds in first_frames.items():
        print(f"Fit to the first frame at {n:,} points: {seconds * 1e3:.0f} ms (median)")
    _, x = simulate(5, 1.5, 2_000, 1)
    runs = []
    for _ in range(max(3, args.repeats // 5)):
        t0 = time.perf_counter()
        fit_starts(x, 5, 20, rng=1)
        runs.append(time.perf_counter() - t0)
    print(f"Explore starts, S = 20 at 2,000 points, K = 5: {np.median(runs):.2f} s (median of {len(runs)})")


if __name__ == "__main__":
    main()
