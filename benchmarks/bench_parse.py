"""Time and peak memory of parsing every hostile upload and paste, up to the caps.

Run: python -m benchmarks.bench_parse [--only NAME] [--keep DIR]

Each input is written to a temporary directory, then parsed in a fresh Python process
(``parse_table`` on the file's bytes, or ``parse_numbers`` on its text), so one input's
memory never counts against the next. For each it prints the outcome, the wall time, the
tracemalloc peak (a second, traced run: Python and numpy allocations) and the peak
resident memory beyond the input already in memory (VmHWM from /proc, reset before the
parse through /proc/self/clear_refs). The budget: 5 s and 300 MB each.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

BUDGET_S = 5.0
BUDGET_MB = 300.0
MB = 2**20


def _numbers(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(50, 15, n)


def _lines(values: np.ndarray, fmt: str = "{!r}") -> str:
    return "\n".join(fmt.format(float(v)) for v in values)


def wide_table(rows: int, cols: int) -> bytes:
    """A CSV of ``rows`` x ``cols`` numbers with one decimal, named c0, c1, ..."""
    block = np.round(np.random.default_rng(0).normal(100, 30, (rows, cols)), 1)
    header = ",".join(f"c{j}" for j in range(cols))
    return (header + "\n" + "\n".join(",".join(map(str, row)) for row in block.tolist()) + "\n").encode()


def _one_line(n_bytes: int) -> bytes:
    values = np.round(_numbers(n_bytes // 4), 1)
    return ",".join(map(str, values.tolist())).encode()[:n_bytes].rsplit(b",", 1)[0]


def _paste(n_chars: int) -> bytes:
    values = _numbers(n_chars // 19)
    return "\n".join(f"{v:.15f}" for v in values).encode()[:n_chars]


def _single_column(n_bytes: int) -> bytes:
    line = b"1.2345678901234567\n"
    return b"v\n" + line * ((n_bytes - 2) // len(line))


#: name -> (what it is, how to parse it, how to make it)
INPUTS: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    "thousands": (
        "issue 14: price 1,250 / 980 / ... (thousands)",
        "table",
        lambda: b"price\n1,250\n980\n2,100\n1,050\n3,400",
    ),
    "decimal": ("issue 14: v 1,5 / 2,5 / ... (decimal commas)", "table", lambda: b"v\n1,5\n2,5\n3,5\n4,25"),
    "extra-fields": ("issue 14: a,b then 1,2,3", "table", lambda: b"a,b\n1,2,3\n4,5,6"),
    "wide": ("1,000 columns x 8,000 rows", "table", lambda: wide_table(8_000, 1_000)),
    "wide-at-cap": (
        "1,000 columns x 5,000 rows (5,000,000 numbers)",
        "table",
        lambda: wide_table(5_000, 1_000),
    ),
    "one-line-250k": (
        "one line of 250,000 numbers",
        "table",
        lambda: ",".join(f"{v:.1f}" for v in _numbers(250_000)).encode(),
    ),
    "one-line-10mb": ("one line of numbers, 10 MB", "table", lambda: _one_line(10 * MB)),
    "paste-53mb": ("53 MB pasted", "paste", lambda: _paste(53 * MB)),
    "paste-at-cap": (
        "1,000,000 numbers pasted (19 MB, under the 20,000,000-character cap)",
        "paste",
        lambda: "\n".join(f"{v:.15f}" for v in _numbers(1_000_000)).encode(),
    ),
    "paste-decimal": (
        "1,000,000 decimal commas pasted ('1,5; 2,5')",
        "paste",
        lambda: "; ".join(f"{v:.4f}".replace(".", ",") for v in _numbers(1_000_000)).encode(),
    ),
    "rows-1m": (
        "1,000,000 rows, one column",
        "table",
        lambda: ("v\n" + _lines(_numbers(1_000_000)) + "\n").encode(),
    ),
    "single-50mb": ("50 MB single column (2.76 million rows)", "table", lambda: _single_column(50 * MB)),
    "thousands-1m": (
        "1,000,000 rows of 1,250-style thousands",
        "table",
        lambda: ("v\n" + "\n".join(f"{int(v * 100):,}" for v in _numbers(1_000_000)) + "\n").encode(),
    ),
    "junk-5cols": (
        "1,000,000 rows x 5 columns, text in every column",
        "table",
        lambda: (
            "a,b,c,d,e\n"
            + "\n".join(
                f"{v},{v},x,{v},{v}" if i % 1000 == 0 else f"{v},{v},{v},{v},{v}"
                for i, v in enumerate(np.round(_numbers(1_000_000), 4).tolist())
            )
            + "\n"
        ).encode(),
    ),
    "semicolon-decimal": (
        "1,000,000 rows 'x;y' with decimal commas",
        "table",
        lambda: (
            "x;y\n" + "\n".join(f"{v:.3f};{v:.2f}".replace(".", ",") for v in _numbers(1_000_000)) + "\n"
        ).encode(),
    ),
    "quoted-thousands": (
        '1,000,000 rows x 5 columns of quoted thousands ("1,250")',
        "table",
        lambda: (
            "a,b,c,d,e\n"
            + "\n".join(
                f'"{x:,}","{x:,}","{x:,}","{x:,}","{x:,}"'
                for x in (_numbers(1_000_000) * 100).astype(int).tolist()
            )
            + "\n"
        ).encode(),
    ),
    "quoted": (
        "1,000,000 rows x 3 columns, every cell quoted",
        "table",
        lambda: (
            '"a","b","c"\n'
            + "\n".join(f'"{v}","{v}","{v}"' for v in np.round(_numbers(1_000_000), 4).tolist())
            + "\n"
        ).encode(),
    ),
    "utf16": (
        "1,000,000 rows, UTF-16 with a BOM",
        "table",
        lambda: ("v\n" + _lines(np.round(_numbers(1_000_000), 6)) + "\n").encode("utf-16"),
    ),
    "blank-lines": (
        "50 MB of blank lines around two numbers",
        "table",
        lambda: b"v\n1\n" + b"\n" * (50 * MB - 10) + b"2\n",
    ),
}


def _rss_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def child(path: str, kind: str, traced: bool = True) -> dict[str, Any]:
    """Parse one input in this process; the measurements as a dict (``traced_mb`` NaN
    without ``traced``: tracemalloc slows a parse several times over)."""
    from emgmm.io import parsing

    parsing.parse_table(b"v\n1.5\n2,5\n")  # warm up imports and pandas' parser
    content = Path(path).read_bytes()
    text = content.decode() if kind == "paste" else ""

    def parse() -> str:
        try:
            if kind == "paste":
                values = parsing.parse_numbers(text)
                return f"{values.x.size:,} values {values.note()}".strip()
            table = parsing.parse_table(content)
            shown = ", ".join(list(table.columns)[:2]) + (", ..." if len(table.columns) > 2 else "")
            first = parsing.column_values(table, next(iter(table.columns)))
            return f"{len(table.columns):,} col ({shown}), {first.x.size:,} values {first.note()}".strip()
        except ValueError as err:
            return f"refused: {err}"

    base = _rss_mb("VmRSS")
    reset = _reset_peak()
    t0, cpu0 = time.perf_counter(), time.process_time()
    outcome = parse()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rss_peak = _rss_mb("VmHWM") - base if reset else float("nan")
    traced_mb = float("nan")
    if traced:
        tracemalloc.start()
        parse()
        traced_mb = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return {"outcome": outcome, "seconds": seconds, "cpu": cpu, "traced_mb": traced_mb, "rss_mb": rss_peak}


def _rows(names: list[str], folder: Path) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    for name in names:
        about, kind, make = INPUTS[name]
        path = folder / f"{name}.{'txt' if kind == 'paste' else 'csv'}"
        path.write_bytes(make())
        size = path.stat().st_size
        run = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_parse", "--child", str(path), kind],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        yield about, kind, size, json.loads(run.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="*", choices=list(INPUTS), help="inputs to run (default: all)")
    parser.add_argument("--keep", help="write the inputs to this directory and keep them")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "KIND"), help=argparse.SUPPRESS)
    parser.add_argument("--untraced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, kind = args.child
        print(json.dumps(child(path, kind, traced=not args.untraced)))
        return 0
    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[0]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load} at the start")
    print(f"budget: {BUDGET_S:g} s and {BUDGET_MB:g} MB per input; CPU is the parsing process's own time")
    print(
        "| input | size | parsed as | outcome | time (s) | CPU (s) | tracemalloc peak (MB) | RSS peak - input (MB) |"
    )
    print("|---|---:|---|---|---:|---:|---:|---:|")
    over = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for about, kind, size, m in _rows(args.only or list(INPUTS), folder):
            outcome = str(m["outcome"]).replace("|", "/")
            outcome = outcome if len(outcome) <= 110 else outcome[:107] + "..."
            seconds, traced, rss = m["seconds"], m["traced_mb"], m["rss_mb"]
            over += seconds > BUDGET_S or max(traced, rss) > BUDGET_MB
            print(
                f"| {about} | {size / MB:,.1f} MB | {kind} | {outcome} | {seconds:.2f} | {m['cpu']:.2f} "
                f"| {traced:.0f} | {rss:.0f} |"
            )
    print("all within budget" if not over else f"{over} input(s) over budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
