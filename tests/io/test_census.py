"""The census of rows: numpy's count (text with no quote) and the csv module's agree."""

from __future__ import annotations

import numpy as np
import pytest

from emgmm.io import census
from emgmm.io.sniff import Layout


def random_text(rng: np.random.Generator, sep: str) -> bytes:
    """Lines of 0 to 5 fields (numbers, words, spaces, empty), blank and space-only lines,
    any line ends: what the count must agree on."""
    cells = ["1.5", "x", "", " ", "\t", "22", "a b"]
    ends = ["\n", "\r\n", "\r"]
    lines = []
    for _ in range(rng.integers(1, 40)):
        kind = rng.integers(10)
        if kind == 0:
            lines.append("")
        elif kind == 1:
            lines.append(" \t\x0b")
        else:
            lines.append(sep.join(rng.choice(cells, rng.integers(1, 6))))
    return "".join(line + ends[rng.integers(3)] for line in lines).encode()[: rng.integers(1, 400)]


@pytest.mark.parametrize("slice_bytes", [16, 1 << 22])  # the text counted in slices of lines, or at once
@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("seed", range(40))
def test_numpys_census_counts_as_the_csv_modules(monkeypatch, sep, seed, slice_bytes):
    monkeypatch.setattr(census, "_SLICE", slice_bytes)
    rng = np.random.default_rng(seed)
    data = random_text(rng, sep)
    width, has_header, first_line = int(rng.integers(1, 4)), bool(rng.integers(2)), int(rng.integers(1, 9))
    shape = Layout(sep, tuple(f"c{i}" for i in range(width)), has_header, (0,))
    quick = census._quick(data, shape, 10**6, first_line, False)
    if quick is None:  # a line longer than a slice of 16 bytes
        assert slice_bytes == 16
        return
    monkeypatch.setattr(census, "_quick", lambda *args: None)
    assert quick == census.census(data, shape, 10**6, first_line)


def test_text_with_quotes_or_beyond_ascii_is_left_to_the_csv_module():
    shape = Layout(",", ("a", "b"), True, (0,))
    assert census._quick(b'a,b\n"1",2\n', shape, 10, 1, False) is None
    assert census._quick("a,b\n1,\u00e9\n".encode(), shape, 10, 1, False) is None
