"""Many browser sessions on one dashboard server: do they all finish, how slow, how much memory.

Run: python -m benchmarks.load_test [--sessions 1,5,10,20] [--soak 200]

For each count it starts a fresh ``streamlit run`` on loopback and drives that many
concurrent sessions (pages in one headless Chromium). Each session loads the page,
changes a control (its own seed, so every session fits its own data), presses Fit and
waits for the final view after the playback at default speed, recording in the page
every frame the browser draws. It reports whether every session drew every frame in
order without error, the slowest time from Fit to final view, the slowest playback's
duration over its nominal ((frames - 1) / fps), the server's peak resident memory
(sampled every 0.1 s from /proc), and the average number
of cores the server and the browser kept busy (the server's per session twice: over the
whole run, and from the moment every page is loaded and set up to the last final view,
the fit and playback alone): on one 2-core machine the headless
browser drawing every session's frames competes with the server it measures.

``--mixed`` runs the hostile-hosting case: one lone playing session first (the
baseline), then two heavy sessions alone, one after the other (their baseline): one
uploads the widest accepted file (1,000 columns x 5,000 rows, 36 MB) and fits a column,
the other fits 10^6 points; then 10 sessions playing at the defaults, then 10 again
while the two heavy sessions run beside them. It reports whether the playing sessions
drew every frame, their slowest time over the lone one, the heavy sessions' times over
their own alone, and the server's peak resident memory.

``--soak N`` then runs N fits with distinct settings in a row on one server (through
shared links, skipping the playback) and reports the resident memory every 25 fits.
Traffic goes to 127.0.0.1 only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import sys
import threading
import time

from tests.support.browser import (
    CHROMIUM_ARGS,
    PLAYER_FRAME,
    RECORD_HEADINGS_JS,
    chromium_path,
    free_port,
    rss_mib,
    start_server,
    stop_server,
)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chromium_pids() -> list[int]:
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"chrom" in f.read():
                    pids.append(int(pid))
        except OSError:
            continue
    return pids


class Sampler:
    """Calls ``sample()`` every ``interval`` seconds in a background thread, in a ``with`` block."""

    interval = 0.1

    def __init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        raise NotImplementedError

    def _run(self):
        while not self._stop.is_set():
            try:
                self.sample()
            except OSError:  # the process is gone
                return
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class BrowserCpu(Sampler):
    """CPU time of all Chromium processes over a span, sampled every 0.2 s so that the
    renderers of closed pages are counted too."""

    interval = 0.2

    def __init__(self):
        super().__init__()
        self.first: dict[int, float] = {pid: self._cpu(pid) for pid in chromium_pids()}
        self.last = dict(self.first)

    @staticmethod
    def _cpu(pid: int) -> float:
        try:
            return cpu_seconds(pid)
        except OSError:
            return 0.0

    def sample(self) -> None:
        for pid in chromium_pids():
            value = self._cpu(pid)
            if value:
                self.first.setdefault(pid, 0.0)
                self.last[pid] = value

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first.get(pid, 0.0) for pid in self.last)


class PeakRss(Sampler):
    """The peak resident memory of a process."""

    def __init__(self, pid: int):
        super().__init__()
        self.pid, self.peak = pid, 0.0

    def sample(self) -> None:
        self.peak = max(self.peak, rss_mib(self.pid))


FINAL = re.compile("Converged after|Stopped at max iterations")
SESSION_TIMEOUT_S = 900
#: A page's load and set-up (many pages in one browser load slowly; it is not what is measured).
SET_UP_TIMEOUT_S = 300
#: Pages loading at once: the set-up is staggered, the playing is not.
LOADING_AT_ONCE = 4


def expected_frames(last: int, every: int) -> list[int]:
    """The iterations a playback must draw: every ``every``-th from 0, and the last."""
    frames = list(range(0, last + 1, every))
    return frames if frames[-1] == last else [*frames, last]


async def set_up(page, url: str, seed: int) -> None:
    """Load the page and give it its own seed (each session fits its own data)."""
    await page.goto(url, timeout=SET_UP_TIMEOUT_S * 1000)
    await page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=SET_UP_TIMEOUT_S * 1000)
    box = page.get_by_test_id("stSidebar").get_by_label("Seed", exact=True)
    await box.fill(str(seed))
    await box.press("Enter")
    await page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=SET_UP_TIMEOUT_S * 1000
    )
    await page.evaluate(RECORD_HEADINGS_JS)


async def session(
    browser,
    url: str,
    seed: int,
    every: int,
    ready: asyncio.Barrier | None = None,
    loading: asyncio.Semaphore | None = None,
) -> tuple[bool, float, str, float, int]:
    """One user: load, change the seed, Fit, wait for the final view. Returns whether all
    went well (no error, every frame drawn in order), Fit to final view (s), what went
    wrong, the playback's duration in the browser (first to last frame drawn, s) and the
    number of frames drawn. With ``ready``, Fit waits until every session is set up
    (a session that failed to set up still arrives, so the others go on); ``loading``
    bounds how many pages load at once."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    arrived = ready is None
    try:
        async with loading or contextlib.nullcontext():
            await set_up(page, url, seed)
        if ready is not None:  # every page loaded and set up: the playing starts together
            arrived = True
            await asyncio.wait_for(ready.wait(), timeout=SESSION_TIMEOUT_S)
        t0 = time.monotonic()
        await page.get_by_role("button", name="Fit", exact=True).click()
        final = page.get_by_text(FINAL).first
        await final.wait_for(timeout=SESSION_TIMEOUT_S * 1000)
        elapsed = time.monotonic() - t0
        # the player's headings ("Iteration i: ..."), each as the browser drew it
        drawn = [
            (int(m.group(1)), t)
            for h, t in await page.evaluate("window.__drawn")
            if (m := re.match(r"Iteration (\d+):", h))
        ]
        found = re.search(r"(\d+) iteration", await final.inner_text())
        last = int(found.group(1)) if found else -1
        shown = [int(i) for i, _ in drawn]
        duration = (drawn[-1][1] - drawn[0][1]) / 1000 if drawn else float("nan")
        if await page.get_by_test_id("stException").count():
            return False, elapsed, "exception on page", duration, len(shown)
        if shown != expected_frames(last, every):
            return (
                False,
                elapsed,
                f"frames drawn {shown[:8]}... not every frame in order",
                duration,
                len(shown),
            )
        return not errors, elapsed, "; ".join(errors[:2]), duration, len(shown)
    except Exception as err:
        if not arrived and ready is not None:
            await ready.wait()  # counted as set up, failed: the others play
        return False, float("nan"), str(err).splitlines()[0], float("nan"), 0
    finally:
        await context.close()


async def round_of(n: int, query: str = "") -> dict:
    from playwright.async_api import async_playwright

    settings = dict(part.split("=", 1) for part in query.split("&") if "=" in part)
    every, fps = int(settings.get("every", 1)), int(settings.get("fps", 8))

    port = free_port()
    server = start_server(port)
    try:
        with PeakRss(server.pid) as rss:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                url = f"http://127.0.0.1:{port}/" + (f"?{query}" if query else "")
                server0, t0 = cpu_seconds(server.pid), time.monotonic()
                ready, loading = asyncio.Barrier(n + 1), asyncio.Semaphore(LOADING_AT_ONCE)
                with BrowserCpu() as meter:
                    tasks = [
                        asyncio.create_task(session(browser, url, 1000 + i, every, ready, loading))
                        for i in range(n)
                    ]
                    # from here to the last final view every session fits and plays: the
                    # first page load (the server's imports) and the set-up are left out
                    with contextlib.suppress(asyncio.BrokenBarrierError, TimeoutError):
                        await asyncio.wait_for(ready.wait(), timeout=SESSION_TIMEOUT_S)
                    play0, t_play = cpu_seconds(server.pid), time.monotonic()
                    results = await asyncio.gather(*tasks)
                    play_cpu, play_wall = cpu_seconds(server.pid) - play0, time.monotonic() - t_play
                server_cpu, browser_cpu = cpu_seconds(server.pid) - server0, meter.seconds
                wall = time.monotonic() - t0
                await browser.close()
    finally:
        stop_server(server)
    ok = all(r[0] for r in results)
    return {
        "n": n,
        "ok": ok,
        "slowest": max(r[1] for r in results),
        # the playback's duration over its nominal, (frames - 1) / fps: 1 is on time
        "slowest_playback": max(r[3] / max(r[4] - 1, 1) * fps for r in results),
        "fps": fps,
        "server_cores_per_session": server_cpu / wall / n,
        "playing_cores_per_session": play_cpu / play_wall / n,
        "rss": rss.peak,
        "server_cores": server_cpu / wall,
        "browser_cores": browser_cpu / wall,
        "errors": [r[2] for r in results if not r[0]][:3],
    }


async def heavy_session(browser, url: str, kind: str, upload_path: str) -> tuple[bool, float, str]:
    """A session that loads the server: ``kind`` "upload" uploads ``upload_path`` and fits
    its first column, "million" fits 10^6 points; both skip the playback. Returns whether
    it reached the final view without an exception on the page, its time, and what went wrong."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    t0 = time.monotonic()
    try:
        target = url + ("?n_points=1000000" if kind == "million" else "")
        await page.goto(target, timeout=60_000)
        await page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
        if kind == "upload":
            await page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
            await page.get_by_role("option", name="Upload CSV").click()
            await page.get_by_test_id("stSidebar").locator("input[type='file']").set_input_files(upload_path)
            await page.get_by_text(re.compile("column 'c")).first.wait_for(timeout=SESSION_TIMEOUT_S * 1000)
        await page.get_by_role("button", name="Fit", exact=True).click()
        skip = page.frame_locator(PLAYER_FRAME).first.get_by_role(
            "button", name="Skip to the end", exact=True
        )
        await (
            page.get_by_text(FINAL)
            .or_(page.locator(PLAYER_FRAME))
            .first.wait_for(timeout=SESSION_TIMEOUT_S * 1000)
        )
        with contextlib.suppress(Exception):
            await skip.click(timeout=5_000)
        await page.get_by_text(FINAL).first.wait_for(timeout=SESSION_TIMEOUT_S * 1000)
        failed = await page.get_by_test_id("stException").count()
        return not failed, time.monotonic() - t0, "exception on page" if failed else ""
    except Exception as err:
        return False, time.monotonic() - t0, str(err).splitlines()[0]
    finally:
        await context.close()


async def mixed(n_playing: int = 10, query: str = "") -> dict:
    """On one server: a lone playing session; ``n_playing`` playing at once; the same
    again while two heavy sessions run. The second round is the baseline for the third:
    on one machine the headless browser drawing every page is itself a bottleneck, and
    the third round over the second isolates what the heavy sessions cost the others."""
    import tempfile

    from playwright.async_api import async_playwright

    from benchmarks.bench_parse import wide_table

    every = int(dict(part.split("=", 1) for part in query.split("&") if "=" in part).get("every", 1))
    folder = tempfile.mkdtemp()
    upload_path = os.path.join(folder, "wide.csv")
    with open(upload_path, "wb") as f:
        f.write(wide_table(5_000, 1_000))
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}/"
    playing_url = url + (f"?{query}" if query else "")
    try:
        with PeakRss(server.pid) as rss:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                lone = await session(browser, playing_url, 999, every)
                # the heavy sessions alone, one after the other: their baseline
                heavy_alone = [
                    await heavy_session(browser, url, kind, upload_path) for kind in ("upload", "million")
                ]
                alone = await asyncio.gather(
                    *(session(browser, playing_url, 1000 + i, every) for i in range(n_playing))
                )
                quiet_peak, rss.peak = rss.peak, 0.0
                results = await asyncio.gather(
                    *(session(browser, playing_url, 2000 + i, every) for i in range(n_playing)),
                    heavy_session(browser, url, "upload", upload_path),
                    heavy_session(browser, url, "million", upload_path),
                )
                await browser.close()
    finally:
        stop_server(server)
        os.remove(upload_path)
        os.rmdir(folder)
    playing, heavy = results[:n_playing], results[n_playing:]
    slowest_alone = max(float(r[1]) for r in alone)
    slowest = max(float(r[1]) for r in playing)
    return {
        "lone": lone[1],
        "alone_ok": all(r[0] for r in alone),
        "slowest_alone": slowest_alone,
        "playing_ok": all(r[0] for r in playing),
        "slowest": slowest,
        "heavy": heavy,
        "heavy_alone": heavy_alone,
        "quiet_rss": quiet_peak,
        "rss": rss.peak,
        "errors": [r[2] for r in [*alone, *playing, *heavy_alone, *heavy] if not r[0]][:3],
    }


async def soak(n_fits: int) -> list[tuple[int, float]]:
    """``n_fits`` fits with distinct settings on one server; resident memory as it goes."""
    from playwright.async_api import async_playwright

    port = free_port()
    server = start_server(port)
    readings = [(0, rss_mib(server.pid))]
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = await browser.new_page()
            for i in range(1, n_fits + 1):
                # distinct data and fit each time: a new seed, and 20,000 to 200,000 points
                n_points = 20_000 * (1 + i % 10)
                await page.goto(
                    f"http://127.0.0.1:{port}/?seed={i}&n_points={n_points}&n_fit={1 + i % 10}",
                    timeout=60_000,
                )
                await page.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
                await page.wait_for_selector(
                    "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
                )
                await page.get_by_role("button", name="Fit", exact=True).click()
                skip = page.get_by_role("button", name="Skip to the end", exact=True)
                await page.get_by_text(FINAL).or_(skip).first.wait_for(timeout=120_000)
                with contextlib.suppress(Exception):
                    await skip.click(timeout=5_000)
                await page.get_by_text(FINAL).first.wait_for(timeout=120_000)
                if i % 25 == 0:
                    readings.append((i, rss_mib(server.pid)))
                    print(f"  after {i} fits: {readings[-1][1]:.0f} MiB", flush=True)
            await browser.close()
    finally:
        stop_server(server)
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,5,10,20", help="comma-separated session counts")
    parser.add_argument("--soak", type=int, default=0, help="fits in a row for the memory check (0: skip)")
    parser.add_argument(
        "--query", default="", help="settings for every session as a link query, e.g. every=10"
    )
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="10 playing sessions while 2 upload a wide file / fit 10^6 points",
    )
    args = parser.parse_args()
    if chromium_path() is None:
        sys.exit("load_test needs Chromium: apt-get install chromium (or set EMGMM_CHROMIUM)")
    if args.mixed:
        m = asyncio.run(mixed(10, args.query))
        upload, million = m["heavy"]
        upload_alone, million_alone = m["heavy_alone"]
        print(
            f"mixed ({args.query or 'defaults'}): a lone session {m['lone']:.1f} s; alone, the wide upload "
            f"+ fit {upload_alone[1]:.1f} s, 10^6 points {million_alone[1]:.1f} s"
        )
        print(
            f"  10 playing: every frame drawn, no error: {'yes' if m['alone_ok'] else 'no'}; "
            f"slowest {m['slowest_alone']:.1f} s ({m['slowest_alone'] / m['lone']:.2f}x lone); "
            f"server peak RSS {m['quiet_rss']:.0f} MiB"
        )
        print(
            f"  10 playing + 2 heavy: every frame drawn, no error: {'yes' if m['playing_ok'] else 'no'}; "
            f"slowest {m['slowest']:.1f} s ({m['slowest'] / m['lone']:.2f}x lone, "
            f"{m['slowest'] / m['slowest_alone']:.2f}x the 10 alone); "
            f"wide upload + fit {'ok' if upload[0] else 'failed'} in {upload[1]:.1f} s "
            f"({upload[1] / upload_alone[1]:.2f}x alone); "
            f"10^6 points {'ok' if million[0] else 'failed'} in {million[1]:.1f} s "
            f"({million[1] / million_alone[1]:.2f}x alone); "
            f"server peak RSS {m['rss']:.0f} MiB"
        )
        if m["errors"]:
            print(f"  errors: {m['errors']}")
        heavy_ok = all(r[0] for r in (upload, million, upload_alone, million_alone))
        sys.exit(0 if m["alone_ok"] and m["playing_ok"] and heavy_ok else 1)
    rows = []
    print(
        "| sessions | every frame drawn, no error | slowest Fit to final view (s) "
        "| slowest playback / nominal | server peak RSS (MiB) | server CPU (cores) "
        "| server CPU per session (cores) | the same, Fit to final view | browser CPU (cores) |"
    )
    print("|---:|:---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(v) for v in args.sessions.split(",") if v):
        r = asyncio.run(round_of(n, args.query))
        rows.append(r)
        print(
            f"| {n} | {'yes' if r['ok'] else 'no'} | {r['slowest']:.1f} | {r['slowest_playback']:.2f} | "
            f"{r['rss']:.0f} | {r['server_cores']:.2f} | {r['server_cores_per_session']:.3f} | "
            f"{r['playing_cores_per_session']:.3f} | {r['browser_cores']:.2f} |",
            flush=True,
        )
        if r["errors"]:
            print(f"|   | errors: {r['errors']} | | |", flush=True)
    lone = next((r["slowest"] for r in rows if r["n"] == 1), None)
    if lone:
        for r in rows:
            print(f"{r['n']} sessions: slowest / lone = {r['slowest'] / lone:.2f}")
    if args.soak:
        readings = asyncio.run(soak(args.soak))
        print(
            f"soak: {args.soak} fits; RSS start {readings[0][1]:.0f} MiB, max {max(v for _, v in readings):.0f} MiB, "
            f"end {readings[-1][1]:.0f} MiB"
        )
    sys.exit(0 if all(r["ok"] for r in rows) else 1)


if __name__ == "__main__":
    main()
