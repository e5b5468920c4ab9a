"""What a file's lines say (issue 14): rows longer than the header are an error naming the
line, shorter rows are counted in the note, any encoding with a byte-order mark and any
line end is read, one line of numbers is one column, and the caps are checked first."""

import codecs
import time

import numpy as np
import pytest

from emgmm.io import parsing
from emgmm.io.parsing import Values, column_values, parse_numbers, parse_table, plural


@pytest.mark.parametrize(
    "content, match",
    [
        (b"a,b\n1,2,3\n4,5,6", r"Line 2 has 3 fields but the header has 2 \(and 1 more line like it\)"),
        (b"a,b\n1,2\n3,4,5\n6,7\n", r"Line 3 has 3 fields but the header has 2: check the separator"),
        (b"a;b\n1;2\n\n3;4;5;6\n", r"Line 4 has 4 fields but the header has 2"),
        (b"v\n1\n2;5\n", r"Line 3 has 2 fields but the header has 1"),
        (
            b"1,2\n" * 150 + b"5,6,7\n",
            r"Line 151 has 3 fields but the file has 2 columns",
        ),  # past the first lines
    ],
)
def test_rows_longer_than_the_header_are_an_error_naming_the_line(content, match):
    # before: pandas made the leading fields the index, and column a showed the second field
    with pytest.raises(ValueError, match=match):
        parse_table(content)


def test_trailing_empty_fields_are_not_longer_rows():
    table = parse_table(b"a,b\n1,2,\n3,4,,\n")
    np.testing.assert_allclose(column_values(table, "b").x, [2, 4])
    table = parse_table(b"a,b,\n1,2\n3,4\n")
    assert list(table.columns) == ["a", "b"] and column_values(table, "b").note() == ""


def test_rows_shorter_than_the_header_are_counted_in_the_note():
    table = parse_table(b"a,b\n1,2\n3\n4,5\n6\n")
    b = column_values(table, "b")
    np.testing.assert_allclose(b.x, [2, 5])
    assert (
        b.note() == "dropped 2 of 4 rows: not a number; 2 rows have fewer fields than the header (lines 3, 5)"
    )
    assert column_values(table, "a").note() == "2 rows have fewer fields than the header (lines 3, 5)"


def test_a_quote_that_never_closes_names_its_line():
    with pytest.raises(ValueError, match=r'quote \("\) opened near line 3 never closes'):
        parse_table(b'v\n1\n"2\n3\n')


@pytest.mark.parametrize(
    "content",
    [
        "v\n1.5\n2.5\n".encode("utf-16"),  # before: "binary data"
        codecs.BOM_UTF16_BE + "v\n1.5\n2.5\n".encode("utf-16-be"),
        codecs.BOM_UTF16_LE + "v\r\n1.5\r\n2.5\r\n".encode("utf-16-le"),
        b"v\r1.5\r2.5\r",  # CR-only line ends (old Mac, some exporters)
        codecs.BOM_UTF8 + b"v\r1.5\r\r2.5",
        "Größe\n1.5\n2.5\n".encode("cp1252"),
    ],
    ids=["utf16", "utf16-be", "utf16-crlf", "cr-only", "utf8-bom-cr", "windows-1252"],
)
def test_any_text_encoding_with_a_byte_order_mark_and_any_line_end_is_read(content):
    table = parse_table(content)
    (values,) = (column_values(table, name) for name in table.columns)
    np.testing.assert_allclose(values.x, [1.5, 2.5])


def test_cr_only_table_with_two_columns():
    table = parse_table(b"a;b\r1;2\r3;4\r")
    np.testing.assert_allclose(column_values(table, "b").x, [2, 4])


@pytest.mark.slow
def test_a_line_of_many_numbers_is_one_column_quickly():
    # before: 250,000 columns of one value each, in 63 s
    x = np.round(np.random.default_rng(0).normal(size=250_000), 3)
    t0 = time.perf_counter()
    table = parse_table(",".join(map(str, x.tolist())).encode())
    assert time.perf_counter() - t0 < 5
    assert list(table.columns) == ["column 1"]
    values = column_values(table, "column 1")
    np.testing.assert_array_equal(values.x, x)
    assert values.unit == "value"


def test_a_line_of_numbers_with_a_word_counts_values():
    values = column_values(parse_table(b"x 1 2 3\n"), "column 1")
    assert values.note() == "dropped 1 of 4 values: not a number"


def test_duplicate_and_empty_header_names_stay_apart():
    table = parse_table(b"a,a,\n1,2,3\n4,5,6\n")
    assert list(table.columns) == ["a", "a (2)", "column 3"]


def test_counts_in_notes_read_naturally():
    assert plural(1, "value") == "1 value" and plural(1204, "row") == "1,204 rows"
    assert Values(np.empty(0), 1, 1).note() == "dropped 1 of 1 row: not a number"
    assert parse_numbers("1 2 x").note() == "dropped 1 of 3 values: not a number"
    assert parse_numbers("1 2 3").note() == ""


def test_too_many_columns_are_refused_from_the_first_line():
    header = ",".join(f"c{i}" for i in range(parsing.MAX_COLUMNS + 1))
    with pytest.raises(ValueError, match=r"has 1,001 columns.*keep the column to fit"):
        parse_table(f"{header}\n{','.join('1' * (parsing.MAX_COLUMNS + 1))}\n".encode())


def test_too_many_numbers_are_refused_before_they_are_parsed(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_NUMBERS", 10)
    with pytest.raises(ValueError, match=r"3 numeric columns of 4 rows \(12 numbers\).*keep the column"):
        parse_table(b"a,b,c,name\n1,2,3,x\n1,2,3,x\n1,2,3,x\n1,2,3,x\n")
    assert parse_table(b"a,b,c,name\n1,2,3,x\n1,2,3,x\n").n_rows == 2


def test_upload_over_the_byte_cap_is_refused_unread(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ValueError, match="at most 0 MB can be read"):
        parse_table(b"v\n" + b"1\n" * 100)


def test_a_flood_of_blank_lines_is_refused_before_lines_are_split():
    with pytest.raises(ValueError, match=r"more than 100 rows \(1,002 lines, blank ones included\)"):
        parse_table(b"v\n1\n" + b"\n" * 1000, max_rows=100)


def test_paste_over_the_character_cap_is_refused_before_parsing():
    text = "1 " * (parsing.MAX_PASTE_CHARS // 2 + 1)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="at most 20,000,000 can be read: paste fewer numbers"):
        parse_numbers(text)
    assert time.perf_counter() - t0 < 0.5


def test_paste_over_the_row_cap_says_pasted():
    with pytest.raises(ValueError, match="More than 100 numbers pasted"):
        parse_numbers("1 " * 101, max_rows=100)
    assert parse_numbers("1 " * 100, max_rows=100).x.size == 100
