"""Cost of the dashboard's frames: build time, spec size, Fit to first frame, Explore starts.

Run: python -m benchmarks.bench_app [--repeats 15]

For 2,000 and 1,000,000 points (default settings otherwise: 5 true and 5 fitted
components) it prints, for the plain playback and for "Show E- and M-steps", with the
strip coloured by component and by uncertainty:

- the time to build a fit's frame set once (``frames.frame_set``: Altair builds the
  specs), and the median time to make one playing frame's specs as the playback does
  (``FrameSet.specs(i, moving=True)``: the density chart, responsibilities, strip and
  parameter paths, by swapping datasets), over frames spread across the fit;
- the largest size of those specs as compact JSON, what the server sends per frame: the
  frame (density, responsibilities, strip) while playing, the same still (paused or
  scrubbed: its strip has the responsibilities tooltip), and the paths chart beside it;
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
from emgmm.sampling import simulate
from emgmm.viz import frames, screens


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


def compact_kb(spec: dict) -> float:
    return len(json.dumps(spec, separators=(",", ":"))) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"# medians of {args.repeats} frames or runs")
    print(
        "| points | playback | strip | frame set, once (ms) | a playing frame's specs (ms) "
        "| playing frame (KB) | still frame (KB) | paths (KB) |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    first_frames = {}
    for n in (2_000, 1_000_000):
        true, x = simulate(5, 1.5, n, 1)
        view = screens.data_view(x, 1)
        y_max = screens.y_ceiling(view, [true])
        history = fit_em(x, 5, rng=1)
        for half in (False, True):
            for colour_by in frames.COLOUR_BY:
                t0 = time.perf_counter()
                frame_set = frames.frame_set(history, view, y_max, half, colour_by)
                once = time.perf_counter() - t0
                picks = np.linspace(0, len(frame_set.steps) - 1, args.repeats).astype(int)
                times, sizes, stills, paths = [], [], [], []
                for i in picks:
                    t0 = time.perf_counter()
                    specs = frame_set.specs(int(i), moving=True)
                    times.append(time.perf_counter() - t0)
                    sizes.append(sum(compact_kb(specs[k]) for k in ("top", "panel", "strip")))
                    still = frame_set.specs(int(i))
                    stills.append(sum(compact_kb(still[k]) for k in ("top", "panel", "strip")))
                    paths.append(compact_kb(specs["paths"]))
                print(
                    f"| {n:,} | {'E and M steps' if half else 'iterations'} | {colour_by} | {once * 1e3:.0f} | "
                    f"{np.median(times) * 1e3:.1f} | {max(sizes):.1f} | {max(stills):.1f} | {max(paths):.1f} |",
                    flush=True,
                )
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
