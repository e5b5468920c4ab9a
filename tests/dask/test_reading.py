"""One reader of people's files (issue 21): the page's upload (``io.parse_table``), the
command line's ``classify`` and the Dask backend's blocks read each awkward file to the
same numbers and the same note, or refuse it with the same message naming its line.

The blocks' reading (``io.blocks``, the functions the Dask tasks run) is tried with every
block size from one byte to the file's length, so that some block boundary falls at every
byte: inside a quoted cell, between a \\r and its \\n, inside a UTF-16 character; the
blocks start right after the header. The Dask reader itself runs with a few block sizes,
on Dask's synchronous scheduler (no cluster: each task costs about 25 ms here).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM
from emgmm.cli import main
from emgmm.io import blocks, spans
from emgmm.io.parsing import column_values, parse_table

dask = pytest.importorskip("dask")

from emgmm.dask.files import column_with_note, read_column  # noqa: E402

pytestmark = pytest.mark.dask

#: (name, file content, column, numbers or the refusal's words)
CASES = [
    ("decimal-comma", b"x;y\n1,5;2\n2,5;3\n\n-0,25;4\n", "x", [1.5, 2.5, -0.25]),
    ("excel-sep-line", b"sep=;\r\nheight;weight\r\n1,5;60\r\n2,5;70\r\n", "height", [1.5, 2.5]),
    (
        "excel-sep-line-refused",
        b"sep=;\r\nh;w\r\n1,5;60\r\nx;y;z\r\n",
        "h",
        "Line 4 has 3 fields but the header",
    ),
    ("utf16-no-mark", "x;y\n1,5;2\n2,5;3\n".encode("utf-16-le"), "x", [1.5, 2.5]),
    (
        "utf16-mark",
        codecs.BOM_UTF16_BE + "v;n\n1\u202f250,5;\U0001f600\n2;\u00e9\n".encode("utf-16-be"),
        "v",
        [1250.5, 2.0],
    ),
    ("utf32-mark", codecs.BOM_UTF32_LE + "v\n1.5\n\u20ac\n2\n".encode("utf-32-le"), "v", [1.5, 2.0]),
    (
        "windows-1252",
        "poids;n\n1\u00a0250,5;\u00e9t\u00e9\n980,25;x\n".encode("cp1252"),
        "poids",
        [1250.5, 980.25],
    ),
    ("quoted-thousands", b'v,n\n"1,250",3\n"2,500",4\n980,5\n', "v", [1250.0, 2500.0, 980.0]),
    ("one-column-thousands", b"1,250\r\n980\r\n12,000\r\n", "column 1", [1250.0, 980.0, 12000.0]),
    ("no-header", b"1,2\n3,4\n5,x\n", "column 2", [2.0, 4.0]),
    ("header", b"a,b\n1,2\n3,4\n", "b", [2.0, 4.0]),
    ("quoted-line-ends", b'v,note\n1,"a\nb, ""c""\r\nd"\n2,"x,y"\n3,z\n', "v", [1.0, 2.0, 3.0]),
    ("bad-cells", b"v,w\n1.5,a\nnan,b\nx7,c\n1e400,d\n2,e\n,f\n", "v", [1.5, 2.0]),
    ("short-rows", b"v,w,z\n1,a,b\n2\n3,z,y\n4,q\n", "v", [1.0, 2.0, 3.0, 4.0]),
    (
        "too-many-fields",
        b"v,w\n1,a\n2,b,c\n3,z\n4,5,6\n",
        "v",
        "Line 3 has 3 fields but the header has 2 (and 1 more",
    ),
    ("quote-never-closes", b'v,w\n1,a\n"2,b\n3,z\n', "v", 'A quote (") opened near line 3 never closes'),
    (
        "commas-both-ways",
        b'v,n\n"1,250",3\n"2,5",4\n',
        "v",
        r"thousands (1,250 on line 2), others only as decimal",
    ),
    ("one-line", b"1.5 2 2,5", "column 1", [1.5, 2.0, 2.5]),
]
IDS = [case[0] for case in CASES]


def page_reading(content: bytes, column: str) -> tuple[list[float], str] | str:
    """The page's reading of an upload: the values and the note, or the refusal."""
    try:
        values = column_values(parse_table(content), column)
    except ValueError as err:
        return str(err)
    return values.x.tolist(), values.note()


def cli_reading(tmp_path, content: bytes, column: str) -> tuple[list[float], str] | str:
    """``python -m emgmm classify``'s reading: its values column and note, or its error."""
    model, path = tmp_path / "model.json", tmp_path / "data.csv"
    model.write_text(json.dumps(GMM([0.5, 0.5], [0.0, 3.0], [1.0, 1.0]).to_dict()))
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["classify", str(model), str(path), "--column", column])
    if code:
        return err.getvalue().removeprefix(f"error: {path}: ").rstrip("\n")
    note = err.getvalue().removeprefix(f"note: {path}: ").rstrip("\n")
    return pd.read_csv(io.StringIO(out.getvalue()))["value"].tolist(), note


def dask_reading(tmp_path, content: bytes, column: str, blocksize: int) -> tuple[list[float], str] | str:
    """The Dask backend's reading in blocks of ``blocksize`` bytes: values and note, or refusal."""
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    try:
        x, note = column_with_note([str(path)], column, blocksize)
        x, note = dask.compute(x, note, scheduler="sync")
    except ValueError as err:
        return str(err).removeprefix(f"{path}: ")
    return x.tolist(), note.removeprefix(f"{path}: ")


def blocks_reading(content: bytes, column: str, blocksize: int) -> tuple[list[float], str] | str:
    """What the Dask tasks compute, in this process: the head's rules, each block's counts,
    its rows, the file's settling, each block finished."""
    try:
        rules = spans.head_rules(content[: spans.HEAD_BYTES], len(content))
        if rules.shape is None:  # one line: read whole by the page's function
            return page_reading(content, column)
        j, size, w = rules.shape.names.index(column), len(content), rules.width
        step = max(w, blocksize - blocksize % w)
        ranges = [(lo, min(lo + step, size)) for lo in range(rules.body, size, step)]
        counts = [spans.count_block(content[lo : hi + w], rules.codec, (hi - lo) // w) for lo, hi in ranges]
        read = []
        for span, start in zip(ranges, spans.starts(counts, rules.first_line), strict=True):
            found = spans.block_text(lambda at, n: content[at : at + n], rules, span, size, start)
            if found is not None:
                read.append(blocks.read_block(found[0], rules, found[1], j))
        settled = blocks.settle([block.summary for block in read], rules, j)
    except ValueError as err:
        return str(err)
    parts = [blocks.finish_block(block, settled) for block in read]
    note = blocks.note(settled, [block.summary.n_rows for block in read], [part.size for part in parts])
    return np.concatenate([np.empty(0), *parts]).tolist(), note


@pytest.mark.slow
@pytest.mark.parametrize(("name", "content", "column", "expected"), CASES, ids=IDS)
def test_the_page_the_cli_and_dask_read_a_file_alike(tmp_path, name, content, column, expected):
    page = page_reading(content, column)
    if isinstance(expected, str):
        assert isinstance(page, str) and expected in page, page
    else:
        assert page[0] == expected
    assert cli_reading(tmp_path, content, column) == page, name
    for blocksize in range(1, len(content) + 2):
        assert blocks_reading(content, column, blocksize) == page, (name, blocksize)
    for blocksize in (2, 5, 11, len(content)):
        assert dask_reading(tmp_path, content, column, blocksize) == page, (name, blocksize)


@pytest.mark.slow
def test_a_large_file_reads_alike_in_many_blocks_of_dask_default_reader(tmp_path):
    """Many blocks of quoted cells with line ends, thousands and blank lines: the same
    numbers as the page's, and the same as pandas reads them."""
    x = np.random.default_rng(0).normal(1_000, 400, 20_000).round(3)
    rows = [
        f'"{v:,.3f}","row {i}\r\nof ""{i}"""' if i % 5 == 0 else f"{v:.3f},row {i}" for i, v in enumerate(x)
    ]
    content = ("value,label\r\n" + "\r\n".join(rows) + "\r\n\r\n").encode()
    page = page_reading(content, "value")
    assert page[0] == x.tolist() and page[1].startswith("read ") and "thousands separators" in page[1]
    assert blocks_reading(content, "value", 4_099) == page
    assert dask_reading(tmp_path, content, "value", 65_537) == page
    body = len(content) - len(b"value,label\r\n")  # the blocks split what follows the header
    assert read_column([str(tmp_path / "data.csv")], "value", 10_000).numblocks[0] == -(-body // 10_000)


def test_a_stray_quote_the_block_count_cannot_follow_is_refused_naming_its_line(tmp_path):
    """The one file the blocks read otherwise than the page: a quote inside a cell that
    does not start with one (the page reads it as a character) would throw off where the
    blocks' rows start, so it is refused, naming its line."""
    content = b'v,size\n1,12" pizza\n2,9\n'
    assert page_reading(content, "v") == ([1.0, 2.0], "")
    refusal = dask_reading(tmp_path, content, "v", 8)
    assert isinstance(refusal, str) and refusal.startswith(
        'Line 2 has a quote (") inside a cell that does not start with one'
    )
