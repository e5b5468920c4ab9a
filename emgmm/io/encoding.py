"""A file's text encoding, told from its first bytes: UTF-8 (with a byte-order mark or
none), UTF-16 and UTF-32 (with a mark, or UTF-16 told by its zero bytes), or other 8-bit
text (Windows-1252 or Latin-1), and its text as UTF-8 bytes."""

from __future__ import annotations

import codecs
import re

#: The words for an empty file, the page's and the command line's: what to do, in a verb both share.
EMPTY = "The file is empty: use a CSV file with a column of numbers."
_TEXT_HELP = "use a CSV or plain-text file (for a spreadsheet, save it as CSV UTF-8 first)."
_NOT_SPACE = re.compile(rb"\S")


def decode(content: bytes) -> bytes:
    """The content as UTF-8 bytes without a byte-order mark (no copy for UTF-8 input).

    UTF-8 (with or without a BOM), UTF-32 and UTF-16 with a BOM, and UTF-16 without one
    (told by its zero bytes) are read as such; other 8-bit text as Windows-1252 or Latin-1.
    """
    codec, mark = encoding_of(content[:8192])
    data = decode_text(content[mark:], codec, mark)
    if not _NOT_SPACE.search(data):
        raise ValueError(EMPTY)
    return data


def encoding_of(head: bytes) -> tuple[str, int]:
    """A file's codec, told from its first bytes, and the length of its byte-order mark.

    The codec is "utf-8" (after its mark), "utf-32-le" or "utf-32-be", "utf-16-le" or
    "utf-16-be" (after a mark, or told by the zero bytes of each pair), or "" for 8-bit
    text: UTF-8 if it is valid UTF-8, else Windows-1252 or Latin-1 (``decode_text``).
    Raises ValueError for binary data.
    """
    # UTF-32's little-endian mark (FF FE 00 00) starts with UTF-16's (FF FE): test it first
    for mark, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(mark):
            return codec, len(mark)
    if order := _utf16_without_bom(head[:8192]):
        return order, 0
    if b"\x00" in head[:8192]:
        raise ValueError(f"This file holds binary data, not text: {_TEXT_HELP}")
    return "", 0


def decode_text(raw: bytes, codec: str, offset: int = 0, head: bool = True) -> bytes:
    """Text in ``codec`` (as ``encoding_of`` names it, without the mark) as UTF-8 bytes: the
    whole of a file, or a block of it starting at byte ``offset`` (for the messages).
    8-bit text that is not UTF-8 is checked to look like text only at the file's ``head``."""
    if codec.startswith("utf-16") or codec.startswith("utf-32"):
        return _transcode(raw, codec, codec[:6].upper(), offset)
    if codec == "utf-8":
        _check_utf8(raw)
        return raw
    if raw.isascii():
        return raw
    return raw if _is_utf8(raw) else _from_8bit(raw, head)


def _transcode(content: bytes, codec: str, name: str, offset: int = 0) -> bytes:
    try:
        return content.decode(codec).encode("utf-8")
    except UnicodeError as err:
        where = f" (at byte {offset + err.start:,})" if isinstance(err, UnicodeDecodeError) else ""
        raise ValueError(
            f"This file starts like {name} text but is damaged{where}: save it again as CSV (UTF-8)."
        ) from None


def _utf16_without_bom(head: bytes) -> str:
    """ "utf-16-le" or "utf-16-be" when the first bytes are text of two bytes a character
    without a byte-order mark, else "". Numbers, separators and most names are ASCII, so in
    UTF-16 one byte of each pair is zero (the high one: second in little-endian, first in
    big-endian), and the other never is; binary data has its zeros anywhere."""
    n = len(head) // 2
    if n < 2:
        return ""
    even, odd = head[0 : 2 * n : 2], head[1 : 2 * n : 2]
    if odd.count(0) >= 0.4 * n and even.count(0) == 0 and not _ascii_controls(even, odd):
        return "utf-16-le"
    if even.count(0) >= 0.4 * n and odd.count(0) == 0 and not _ascii_controls(odd, even):
        return "utf-16-be"
    return ""


def _ascii_controls(low: bytes, high: bytes) -> bool:
    """Whether a character of these pairs is a control code below tab (U+0001 to U+0008):
    no text holds them, so zeros in every other byte around them are binary data
    (00 01 02 03 repeated is not UTF-16 text)."""
    return any(h == 0 and 0 < lo < 9 for lo, h in zip(low, high, strict=True))


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_utf8(data: bytes) -> None:
    if not data.isascii() and not _is_utf8(data):
        raise ValueError("This file says it is UTF-8 text but is not: save it again as CSV (UTF-8).")


def _from_8bit(content: bytes, check: bool = True) -> bytes:
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    if not check:
        return text.encode("utf-8")
    head = text[:8192]
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in head)
    if printable < 0.95 * len(head):
        raise ValueError(f"This file does not look like text: {_TEXT_HELP}")
    return text.encode("utf-8")
