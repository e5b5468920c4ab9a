"""Reading people's numbers: uploaded files, pasted text, a count column, numbers typed in
a box. Engine level (numpy, pandas, the standard library), so that every reader of user
data shares it: the page's upload and the command line's ``classify`` call
``parse_table``, and the Dask backend's ``read_column`` reads a CSV file's blocks by the
same rules (``spans``: where each block's rows start; ``blocks``: its rows read, the
file's findings settled), so a file reads the same everywhere.

Text is parsed, never executed or unpickled. A refusal is a ``ValueError`` whose message
is for the person who gave the data: it names the line, the cell or the encoding and says
what to do, in words that hold on the page and on the command line ("use a CSV file",
"load the file again"; "upload" only where a paste is refused, which only the page takes).
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
