"""Numbers as people write them in a box or a link: digit groups, scientific notation."""

from __future__ import annotations

import math
import re

from .sniff import GROUP_SPACES

#: Digit groups a person types in a large number: 1,000,000, 1 000 000 or 1_000_000.
_GROUPED = re.compile(rf"[+-]?\d{{1,3}}(?:([,_{GROUP_SPACES}])\d{{3}})(?:\1\d{{3}})*(?:\.\d*)?")


def bound_text(value: float) -> str:
    """A control's bound as people read it: 1,000,000, 0.1, 0.01."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def read_number(text: str, whole: bool) -> float:
    """The number a person (or a link) wrote: plain or scientific (``1e6``), or with
    digit groups (``1,000,000``, ``1 000 000``, ``1_000_000``); a whole number when
    ``whole``. Raises ValueError for anything else, e.g. ``1,5`` (ambiguous), ``2.5``
    when ``whole``, ``nan`` or ``inf``."""
    text = text.strip()
    if _GROUPED.fullmatch(text):
        text = re.sub(f"[,_{GROUP_SPACES}]", "", text)
    elif not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise ValueError(text)
    value = float(text)
    if not math.isfinite(value) or (whole and value != math.floor(value)):
        raise ValueError(text)
    return value
