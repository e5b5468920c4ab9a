"""Starting and stopping the app and finding a browser: shared by the end-to-end
tests and benchmarks/load_test.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]


#: The playback player's frame (a Streamlit component's iframe, titled by its name).
PLAYER_FRAME = "iframe[title$='.player']"

#: Records each new frame heading the player shows, in order, with the time (the page's
#: clock, ms) it appeared: ``window.__drawn``, a list of [heading, time]. The heading
#: changes once the frame's charts are drawn (emgmm/viz/player/player.js), so this is the
#: sequence of frames a person saw. It follows the player into a new frame (the final view).
RECORD_HEADINGS_JS = """
() => {
  window.__drawn = [];
  const seen = new WeakSet();
  const watch = (doc) => {
    if (!doc || seen.has(doc)) return;
    seen.add(doc);
    const record = () => {
      const h = doc.querySelector('.heading');
      if (!h || !h.textContent) return;
      const d = window.__drawn;
      if (!d.length || d[d.length - 1][0] !== h.textContent) d.push([h.textContent, performance.now()]);
    };
    new MutationObserver(record).observe(doc, {subtree: true, childList: true, characterData: true});
    record();
  };
  const frames = new WeakSet();
  const scan = () => document.querySelectorAll("PLAYER_FRAME").forEach((f) => {
    watch(f.contentDocument);
    if (!frames.has(f)) { frames.add(f); f.addEventListener('load', () => watch(f.contentDocument)); }
  });
  new MutationObserver(scan).observe(document.body, {subtree: true, childList: true});
  scan();
}
""".replace("PLAYER_FRAME", PLAYER_FRAME)


#: Run in every frame before its scripts (``BrowserContext.add_init_script``): once the
#: player's script defines ``EmgmmPlayer``, each frame the player draws is recorded in the
#: top page (which outlives the player's frame when the final view replaces it) as
#: ``window.__draws``, a list of [frame, start, end] (the epoch in ms, as
#: ``performance.timeOrigin + performance.now()``): how long the browser took to draw it,
#: the floor under any clock.
RECORD_DRAWS_JS = """
(() => {
  let player;
  Object.defineProperty(window, "EmgmmPlayer", {
    configurable: true,
    get: () => player,
    set(value) {
      player = value;
      const draw = value.Player.prototype.drawNow;
      value.Player.prototype.drawNow = async function (index) {
        const start = performance.timeOrigin + performance.now();
        const drawing = draw.call(this, index);
        const frame = this.frames[this.index]; // drawNow sets the index before its first await
        await drawing;
        const end = performance.timeOrigin + performance.now();
        (window.top.__draws = window.top.__draws || []).push([frame, start, end]);
      };
    },
  });
})();
"""


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, timeout: float = 90.0) -> subprocess.Popen:
    """``streamlit run`` on loopback; returns once /_stcore/health answers."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(  # noqa: SIM115  (the server writes to it until stop_server closes it)
        ARTIFACTS / f"streamlit-{port}.log", "w"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            # a measured or tested server must not reload its code when a file changes
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not answer on port {port} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def chromium_path() -> str | None:
    """Debian's Chromium, or the browser named by EMGMM_CHROMIUM."""
    return os.environ.get("EMGMM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
