"""The playback player's drawing time a frame, in headless Chromium, against the frame's budget.

Run: python -m benchmarks.bench_player [--repeats 5]

The default fit (2,000 points, 5 true and 5 fitted components), its payload as the page
builds it, played by the player on its own page at 1280x720 (the views in sight drawn, as
in a playback): each frame's ``drawNow`` timed from its call to its charts on the canvas,
for the iterations (points by component) and for the E- and M-steps (points by
uncertainty). The peer, in the same browser and the same run, is the same payload with
Vega-Lite's ARIA descriptions of each mark left on (``config.aria``, its default; the
player draws on a canvas, where they are never shown): the rounds alternate between the
two, each a new tab (a first playback: nothing computed or drawn before), so a machine
that slows in between slows both. It prints the median a frame of each,
their ratio, and the share of a 24 fps frame (41.7 ms) the shipped player uses.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from emgmm import fit_em
from emgmm.history import final_model
from emgmm.mstep import m_step_sums
from emgmm.sampling import simulate
from emgmm.viz import screens
from tests.support.browser import CHROMIUM_ARGS, chromium_path
from tests.support.player_page import page, payload_of

#: Each frame drawn in turn, as the clock draws them while playing (the tables of numbers
#: out of sight left alone); the times of every frame after the first.
TIME_FRAMES_JS = """async () => {
  const P = window.player;
  const times = [];
  P.playing = true;
  for (let i = 1; i < P.frames.length; i++) {
    const t0 = performance.now();
    await P.drawNow(i);
    times.push(performance.now() - t0);
  }
  P.playing = false;
  return times;
}"""


def default_payload(half_steps: bool) -> dict[str, Any]:
    true, x = simulate(5, 1.5, 2_000, 1)
    view = screens.data_view(x, 1)
    history = fit_em(x, 5, rng=1)
    colour_by = "uncertainty" if half_steps else "component"
    settings = {"fps": 24, "half_steps": half_steps, "colour_by": colour_by}
    last = m_step_sums(x, final_model(history))
    return payload_of(
        history, view, screens.y_ceiling(view, [true]), settings=settings, last_step=last, data=(x, None)
    )


def with_aria(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with Vega-Lite's default ARIA descriptions on every template."""

    def on(spec: dict[str, Any]) -> dict[str, Any]:
        return {**spec, "config": {**spec.get("config", {}), "aria": True}}

    templates = {name: on(spec) for name, spec in payload["templates"].items()}
    bound = payload["bound"] and {**payload["bound"], "template": on(payload["bound"]["template"])}
    return {**payload, "templates": templates, "bound": bound}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds of each sequence, alternating")
    args = parser.parse_args()
    budget = 1000 / 24
    print(
        f"# medians over every frame of {args.repeats} rounds; Chromium at 1280x720; 24 fps: {budget:.1f} ms"
    )
    print("| frames | shipped (ms) | ARIA on, the peer (ms) | peer / shipped | shipped / 24 fps frame |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for half in (False, True):
            shipped = default_payload(half)
            paths = {}
            for name, made in (("shipped", shipped), ("peer", with_aria(shipped))):
                paths[name] = Path(folder) / f"{name}.html"
                paths[name].write_text(page(made, "first"), encoding="utf-8")
            times: dict[str, list[float]] = {"shipped": [], "peer": []}
            for _ in range(args.repeats):
                for name, path in paths.items():
                    times[name] += play_once(browser, path)
            ours, peer = (statistics.median(times[n]) for n in ("shipped", "peer"))
            label = "E- and M-steps, by uncertainty" if half else "iterations, by component"
            frames = len(times["shipped"]) // args.repeats
            print(
                f"| {label} ({frames}) | {ours:.1f} | {peer:.1f} | {peer / ours:.2f}x | {ours / budget:.0%} |",
                flush=True,
            )
        browser.close()


def play_once(browser, path: Path) -> list[float]:
    """A new tab on ``path``, each frame drawn once, as a first playback draws them (ms)."""
    tab = browser.new_page(viewport={"width": 1280, "height": 720})
    tab.goto(path.as_uri())
    tab.wait_for_function("window.player && window.player.values")
    try:
        return list(tab.evaluate(TIME_FRAMES_JS))
    finally:
        tab.close()


if __name__ == "__main__":
    main()
