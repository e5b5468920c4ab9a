"""Issue 20's reader cases: each was refused with an internal message, misread or
silently left out; each reads, or is refused with a message naming the line, the cell or
the encoding and saying what to do."""

from __future__ import annotations

import codecs
import csv

import numpy as np
import pytest

from emgmm.io.parsing import column_values, parse_numbers, parse_table
from emgmm.io.weighting import weighted_values


@pytest.mark.parametrize(
    ("digit", "name"),
    [("\uff17", "full-width"), ("\u0667", "Arabic-Indic"), ("\u06f7", "Eastern Arabic-Indic")],
)
def test_a_non_ascii_digit_among_many_numbers_reads_as_its_digit(digit, name):
    rows = ["1.5"] * 100_000
    rows[50_000] = f"1{digit}.25"  # 17.25 written with one digit of another script
    table = parse_table(("v\n" + "\n".join(rows) + "\n").encode())
    values = column_values(table, "v")
    assert values.n_dropped == 0, name
    assert values.x[50_000] == 17.25 and values.x.sum() == 99_999 * 1.5 + 17.25


def test_full_width_and_arabic_indic_numbers_in_a_paste_and_a_comma_cell():
    assert parse_numbers("\uff11\uff12, \u0663.\u0665").x.tolist() == [12.0, 3.5]
    table = parse_table("a;b\n\u0661,\u0665;2\n3,0;4\n".encode())
    np.testing.assert_array_equal(table.columns["a"], [1.5, 3.0])


@pytest.mark.parametrize("byte_order", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_as_utf16(byte_order):
    table = parse_table("x;y\n1,5;2\n2,5;3\n".encode(byte_order))
    np.testing.assert_array_equal(table.columns["x"], [1.5, 2.5])


def test_binary_content_with_zero_bytes_is_still_refused_as_binary():
    with pytest.raises(ValueError, match="binary data, not text"):
        parse_table(bytes(range(256)) * 8)


@pytest.mark.parametrize("content", [b"\x00\x01\x02\x03" * 100, b"\x01\x00\x07\x00" * 100])
def test_zeros_in_every_other_byte_around_control_codes_are_binary_not_utf16(content):
    """Regression: zeros at every other byte were read as UTF-16 without a mark, so the page
    said "No column ... holds numbers" for binary data (the AppTest of hostile uploads)."""
    with pytest.raises(ValueError, match="binary data, not text"):
        parse_table(content)


@pytest.mark.parametrize(
    ("bom", "encoding"), [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be")]
)
def test_a_utf32_byte_order_mark_reads_as_utf32(bom, encoding):
    table = parse_table(bom + "v\n1.5\n\u20ac\n2\n".encode(encoding))
    np.testing.assert_array_equal(table.columns["v"], [1.5, np.nan, 2.0])


def test_a_damaged_utf32_file_names_its_encoding():
    with pytest.raises(ValueError, match=r"UTF-32 text but is damaged \(at byte 8\): save it again as CSV"):
        parse_table(codecs.BOM_UTF32_LE + b"\x31\x00\x00\x00\xff\xff\xff\xff\n\x00\x00\x00")


@pytest.mark.parametrize("group", [" ", "\u00a0", "\u202f"])
def test_french_numbers_with_grouped_thousands_in_a_semicolon_file(group):
    content = f"poids;n\n1{group}250,5;3\n980,25;4\n12{group}000;1\n".encode()
    table = parse_table(content)
    values = column_values(table, "poids")
    np.testing.assert_array_equal(values.x, [1250.5, 980.25, 12000.0])
    assert values.n_dropped == 0 and "decimal commas" in values.read_as


def test_french_numbers_only_in_the_first_lines_still_make_a_numeric_column():
    table = parse_table("a;b\n1\u202f250,5;x\n2\u202f000,25;y\n".encode())
    assert list(table.columns) == ["a"]
    np.testing.assert_array_equal(table.columns["a"], [1250.5, 2000.25])


@pytest.mark.parametrize("line", ["sep=;", '"sep=;"', "sep=\t"])
def test_excels_sep_line_sets_the_separator_and_is_not_the_header(line):
    sep = line.strip('"')[-1]
    content = f"{line}\r\nheight{sep}weight\r\n1,5{sep}60\r\n2,5{sep}70\r\nx{sep}y{sep}z\r\n".encode()
    with pytest.raises(ValueError, match=r"Line 5 has 3 fields but the header has 2"):
        parse_table(content)  # lines counted as in the file, the sep= line included
    table = parse_table(content.rsplit(b"x", 1)[0])
    assert table.separator == sep and table.has_header
    np.testing.assert_array_equal(table.columns["height"], [1.5, 2.5])
    np.testing.assert_array_equal(table.columns["weight"], [60.0, 70.0])


def test_a_negative_count_is_refused_naming_its_line():
    table = parse_table(b"v,count\n1,3\n\n2,1\n-5,2\n3,-1\n4,2\n")
    with pytest.raises(ValueError, match=r"Line 6 has a count of -1 in 'count': counts cannot be negative"):
        weighted_values(table, "v", "count")


def test_negative_values_are_fine_beside_non_negative_counts():
    table = parse_table(b"v,count\n-1,3\n-2.5,1\n")
    np.testing.assert_array_equal(weighted_values(table, "v", "count").weights, [3.0, 1.0])


@pytest.mark.parametrize(("n_rows", "row"), [(2, 1), (40_000, 30_000)])  # in the first lines, or past them
def test_a_cell_over_the_csv_field_limit_is_a_message_naming_its_line(n_rows, row):
    rows = ["1,x"] * n_rows
    rows[row] = "2," + "a" * (csv.field_size_limit() + 10)
    content = ("v,note\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(ValueError, match=rf"Line {row + 2:,} has a cell of more than 131,072 characters"):
        parse_table(content)


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u3000"])
def test_a_file_of_unicode_spaces_is_empty_not_an_index_error(space):
    with pytest.raises(ValueError, match="The file is empty: use a CSV file"):
        parse_table(f"{space}\n\n{space}{space}\n".encode())
