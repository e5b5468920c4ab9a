"""Reading people's numbers: uploaded files, pasted text, a count column, numbers typed in
a box. Engine level (numpy, pandas, the standard library), so that every reader of user
data can share it: the page does; the command line's ``classify`` and the Dask backend's
``read_column`` still read CSV with pandas' own rules.

Text is parsed, never executed or unpickled. A refusal is a ``ValueError`` whose message
is for the person who gave the data: it names the line, the cell or the encoding and says
what to do.
"""

from .numbers import read_number
from .parsing import ParsedTable, Values, column_values, default_column, parse_numbers, parse_table
from .weighting import Weighted, weighted_values

__all__ = [
    "ParsedTable",
    "Values",
    "Weighted",
    "column_values",
    "default_column",
    "parse_numbers",
    "parse_table",
    "read_number",
    "weighted_values",
]
