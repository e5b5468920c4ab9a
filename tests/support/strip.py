"""Reading a strip record (``plotdata.strip_values``) back into a table, as Vega does."""

import numpy as np
import pandas as pd


def split_strip(record: dict[str, str]) -> pd.DataFrame:
    """One row per point: ``x``, ``jitter`` and, when the record has it, ``component``."""
    table = pd.DataFrame(
        {
            "x": np.array(record["x"].split(), dtype=float),
            "jitter": np.array(record["jitter"].split(), dtype=float),
        }
    )
    if "component" in record:
        table["component"] = np.array(record["component"].split(), dtype=int)
    return table
