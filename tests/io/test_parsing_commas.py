"""Commas inside numbers (issues 13 and 14): thousands separators and decimal commas are
read when the cells agree on which they are, refused with both examples when they do
not, and the note says how they were read; pastes follow the same rules as uploads."""

import numpy as np
import pytest

from emgmm.io.parsing import column_values, parse_numbers, parse_table


def only_column(content: bytes):
    table = parse_table(content)
    assert len(table.columns) == 1, list(table.columns)
    return column_values(table, next(iter(table.columns)))


@pytest.mark.parametrize(
    "content, expected, note",
    [
        (  # was [250, 100, 50, 400] and "dropped 1 of 5 rows"
            b"price\n1,250\n980\n2,100\n1,050\n3,400",
            [1250, 980, 2100, 1050, 3400],
            "read 1,250 as 1250 (thousands separators)",
        ),
        (b"v\n1,250,000\n980\n", [1_250_000, 980], "read 1,250,000 as 1250000 (thousands separators)"),
        (b"1,250\n980\n2,100\n", [1250, 980, 2100], "read 1,250 as 1250 (thousands separators)"),  # no header
        (  # was [5, 5, 5, 25]
            b"v\n1,5\n2,5\n3,5\n4,25",
            [1.5, 2.5, 3.5, 4.25],
            "read 1,5 as 1.5 (decimal commas)",
        ),
        (b"v\n0,125\n2,5\n", [0.125, 2.5], "read 0,125 as 0.125 (decimal commas)"),  # 0,125 is no thousand
    ],
)
def test_one_column_file_with_commas_reads_them_as_the_cells_agree(content, expected, note):
    values = only_column(content)
    np.testing.assert_allclose(values.x, expected)
    assert values.n_dropped == 0 and values.note() == note


def test_one_column_file_mixing_thousands_and_decimal_commas_is_refused_naming_both():
    with pytest.raises(ValueError, match=r"thousands \(1,250 on line 2\).*decimal commas \(2,5 on line 4\)"):
        parse_table(b"v\n1,250\n980\n2,5\n")


def test_one_column_line_whose_commas_make_no_number_is_an_error_naming_the_line():
    with pytest.raises(ValueError, match="Line 3 has 3 fields but the header has 1"):
        parse_table(b"v\n1\n1,2,3\n4\n")


@pytest.mark.parametrize(
    "content, column, expected",
    [
        (b'a,b\n"1,250",3\n"980",4\n', "a", [1250, 980]),
        (b'price\n"1,250"\n"12,500"\n', "price", [1250, 12500]),
        (b'"v"\r\n"1,250.5"\r\n"2"\r\n', "v", [1250.5, 2]),
    ],
)
def test_quoted_thousands_as_spreadsheets_write_them_are_read(content, column, expected):
    values = column_values(parse_table(content), column)
    np.testing.assert_allclose(values.x, expected)
    assert "thousands separators" in values.note()


def test_semicolon_file_reads_commas_as_decimals_and_drops_what_cannot_be_one():
    table = parse_table(b"x;y\n1,5;1\n1,250;2\n1,250,000;3\n")
    x = column_values(table, "x")
    np.testing.assert_allclose(x.x, [1.5, 1.25])
    assert x.note() == "read 1,5 as 1.5 (decimal commas); dropped 1 of 3 rows: not a number"
    assert column_values(table, "y").note() == ""


def test_decimal_note_is_given_only_for_the_column_that_has_commas():
    table = parse_table(b"a\tb\n1,5\t7\n2,25\t8\n")
    assert column_values(table, "a").note() == "read 1,5 as 1.5 (decimal commas)"
    assert column_values(table, "b").note() == ""


@pytest.mark.parametrize(
    "text, expected, note",
    [
        ("1,5; 2,5; 3,5; 4,5", [1.5, 2.5, 3.5, 4.5], "read 1,5 as 1.5 (decimal commas)"),  # was 8 values
        ("1,5;2,5", [1.5, 2.5], "read 1,5 as 1.5 (decimal commas)"),
        ("1,5\n2,5\n3,75", [1.5, 2.5, 3.75], "read 1,5 as 1.5 (decimal commas)"),  # a column copied
        ("1,250\n2,100\n980", [1250, 2100, 980], "read 1,250 as 1250 (thousands separators)"),
        ('"1,250","980"', [1250, 980], "read 1,250 as 1250 (thousands separators)"),
        ("1,2,3", [1, 2, 3], ""),
        ("1, 2, 3", [1, 2, 3], ""),
        ("1.2,3.4,5.6", [1.2, 3.4, 5.6], ""),
        ("1,2,3 4", [1, 2, 3, 4], ""),
    ],
)
def test_pasted_numbers_follow_the_same_rules_as_uploads(text, expected, note):
    values = parse_numbers(text)
    np.testing.assert_allclose(values.x, expected)
    assert values.note() == note


def test_pasted_thousands_and_decimal_commas_together_are_refused():
    with pytest.raises(ValueError, match=r"thousands \(1,250\).*decimal commas \(2,5\): paste the numbers"):
        parse_numbers("1,250\n2,5")


def test_one_line_file_reads_like_a_paste():
    values = only_column(b"1,5;2,5;3,5\n")
    np.testing.assert_allclose(values.x, [1.5, 2.5, 3.5])
    assert values.note() == "read 1,5 as 1.5 (decimal commas)"
