"""How the commas inside a file's numbers read, decided over every numeric column
(``cells.decide``), or the refusal of cells that read both ways, naming a line of each."""

from __future__ import annotations

from collections.abc import Callable

from emgmm.io import cells, reading, sniff


def file_commas(data: bytes, shape: sniff.Layout, parts: list[list[cells.Cells]]) -> cells.Commas:
    """How the file's commas inside numbers read (``check_commas``)."""
    commas = cells.decide(parts, decimal_first=shape.separator == ";")
    if not (commas.conflict or (shape.one_column and commas.neither)):
        return commas
    wanted = [c[1] for c in (commas.neither, *(commas.conflict or ())) if c]
    lines = reading.line_numbers(data, "" if shape.one_column else shape.separator, shape.has_header, wanted)
    return check_commas(commas, shape, lambda row: lines.get(row, row + 1))


def check_commas(commas: cells.Commas, shape: sniff.Layout, line_of: Callable[[int], int]) -> cells.Commas:
    """``commas``, or the refusal of a comma that splits a one-column file's line into
    fields, or of cells that read both as thousands and as decimals; ``line_of`` gives the
    line of a row as the cells number them."""
    if shape.one_column and commas.neither:
        _, row, text = commas.neither
        raise reading.fields_error(line_of(row), text.count(",") + 1, 1, shape.has_header)
    if commas.conflict:
        (_, t_row, t_text), (_, d_row, d_text) = commas.conflict
        raise ValueError(
            f"Some numbers read as thousands ({t_text} on line {line_of(t_row):,}), others only as "
            f"decimal commas ({d_text} on line {line_of(d_row):,}): save the file with a point as the "
            "decimal mark and no thousands separators (1250, 2.5)."
        )
    return commas
