"""Pasted data in a shared link: compressed, URL-safe, and only when it is small.

A link that claims to reproduce a view must carry its data. Pasted text up to
``MAX_LINK_CHARS`` characters of link travels in the ``data`` parameter (zlib, then
base64url); anything larger, and every uploaded file, does not, and the page says so.
"""

from __future__ import annotations

import base64
import binascii
import zlib

#: The query parameter that carries pasted data.
DATA_PARAM = "data"
#: Most characters the encoded data may take in a link.
MAX_LINK_CHARS = 2000
#: Longer text never fits, whatever zlib makes of it: numbers compress about 3:1.
MAX_COMPRESSIBLE_CHARS = 50 * MAX_LINK_CHARS
#: Most characters decoded from a link (a guard against a small link of a huge text).
MAX_DECODED_CHARS = 200_000


def encode_paste(text: str) -> str | None:
    """``text`` as a URL-safe token, or None when the token would be over ``MAX_LINK_CHARS``."""
    if len(text) > MAX_COMPRESSIBLE_CHARS:
        return None  # no need to compress megabytes on every rerun to know
    token = base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")
    return token if len(token) <= MAX_LINK_CHARS else None


def decode_paste(token: str) -> str:
    """The text ``encode_paste`` made ``token`` from.

    Raises
    ------
    ValueError
        If ``token`` is not such a token (say so to the user: the link was cut or edited).
    """
    if len(token) > MAX_LINK_CHARS:
        raise ValueError(f"the data in this link is longer than {MAX_LINK_CHARS:,} characters")
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(raw, MAX_DECODED_CHARS * 4)
        if inflater.unconsumed_tail:
            raise ValueError(f"the data in this link is over {MAX_DECODED_CHARS:,} characters")
        if not inflater.eof:
            raise zlib.error("incomplete")
        return data.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError):
        raise ValueError("the data in this link could not be read (was the link cut short?)") from None
