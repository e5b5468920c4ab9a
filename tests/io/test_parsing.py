import numpy as np
import pytest

from emgmm import datasets
from emgmm.io.parsing import column_values, default_column, parse_numbers, parse_table


@pytest.mark.parametrize(
    "content, column, expected",
    [
        (b"value\n1.5\n2\n3e2\n", "value", [1.5, 2, 300]),
        (b"1.5\n2\n3\n", "column 1", [1.5, 2, 3]),
        (b"a,b\n1,10\n2,20\n", "b", [10, 20]),
        (b"a;b\n1;10\n2;20\n", "b", [10, 20]),
        (b"a\tb\n1\t10\n2\t20\n", "a", [1, 2]),
        (b"x;y\n1,5;2,25\n3,5;4\n", "x", [1.5, 3.5]),  # decimal commas
        (b'"v"\n"1.0"\n"2.0"\n', "v", [1.0, 2.0]),
        ("\ufeffw\n1\n2\n".encode("utf-8"), "w", [1, 2]),  # byte-order mark
        (b"v\r\n1\r\n\r\n2\r\n", "v", [1, 2]),  # Windows line ends, a blank line
    ],
)
def test_reads_headers_and_separators(content, column, expected):
    table = parse_table(content)
    np.testing.assert_allclose(column_values(table, column).x, expected)


def test_junk_rows_are_dropped_and_counted():
    table = parse_table(b"v\n1\nnot a number\n2\ninf\n\nNaN\n3\n")
    values = column_values(table, "v")
    np.testing.assert_allclose(values.x, [1, 2, 3])
    assert values.n_dropped == 3 and values.note() == "dropped 3 of 6 rows: not a number"


def test_text_columns_are_not_offered():
    table = parse_table(b"name,height\nann,1.6\nbob,1.8\n")
    assert list(table.columns) == ["height"] and table.has_header


@pytest.mark.parametrize(
    "content, match",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        (bytes(range(1, 256)) * 40, "not look like text"),
        (b"name\nann\nbob\n", "No column"),
        (b"only,a,header\n", "No column"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"value\n", "No column"),
        (b"word\n" + b"lorem ipsum\n" * 100_000, "No column"),
        (b"v\n" + b"1\n2\n" * 600_000, "more than 1,000,000 rows"),
        (
            b"v,note\n1,a\n2," + b"a" * 140_000 + b"\n3,b\n",
            "Line 3 has a cell of more than 131,072 characters",
        ),
        ("\u00a0\n\u00a0\n".encode(), "empty"),
    ],
)
def test_bad_files_get_a_message_saying_what_to_do(content, match):
    """The page shows these messages as they are (``tests/app/test_app.py`` checks that
    path once per kind of refusal, and that the next good upload works)."""
    with pytest.raises(ValueError, match=match):
        parse_table(content)


def test_row_cap_is_enforced():
    content = b"v\n" + b"1\n" * 101
    with pytest.raises(ValueError, match="more than 100 rows"):
        parse_table(content, max_rows=100)
    assert parse_table(content, max_rows=101).n_rows == 101


def test_pasted_numbers_in_any_separator():
    values = parse_numbers("1, 2 3\n4;5\t6 oops 7e1")
    np.testing.assert_allclose(values.x, [1, 2, 3, 4, 5, 6, 70])
    assert values.n_dropped == 1
    with pytest.raises(ValueError, match="paste numbers"):
        parse_numbers("   ")
    with pytest.raises(ValueError, match="No number"):
        parse_numbers("a b c")


def test_examples_ship_with_the_package():
    faithful = datasets.load_example("old_faithful")
    assert faithful.size == 272 and faithful.min() == 43 and faithful.max() == 96
    assert datasets.load_example("galaxies").size == 82
    with pytest.raises(ValueError, match="old_faithful"):
        datasets.load_example("iris")


def test_the_column_offered_first_is_not_a_row_index():
    table = parse_table(b"id,n,value\n0,1,5.5\n1,2,7.25\n2,3,1.5\n")
    assert default_column(table) == "value"
    only_indices = parse_table(b"a,b\n0,1\n1,2\n2,3\n")
    assert default_column(only_indices) == "a"
