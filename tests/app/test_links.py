import pytest

from emgmm.app.links import MAX_LINK_CHARS, decode_paste, encode_paste


@pytest.mark.parametrize("text", ["1, 2, 3", "1,5; 2,5\n3,5", "é 1 2", "\n".join(str(i) for i in range(300))])
def test_pasted_text_round_trips_through_a_link(text):
    token = encode_paste(text)
    assert token is not None and len(token) <= MAX_LINK_CHARS
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_paste(token) == text


def test_text_too_large_for_a_link_is_not_encoded():
    import numpy as np

    text = " ".join(f"{v:.17g}" for v in np.random.default_rng(0).normal(size=5000))
    assert encode_paste(text) is None


@pytest.mark.parametrize("junk", ["", "abc", "!!!", "A" * 50, "eJw"])
def test_a_cut_or_edited_token_is_refused_with_a_message(junk):
    with pytest.raises(ValueError, match="link"):
        decode_paste(junk)


def test_a_small_token_of_a_huge_text_is_refused():
    import base64
    import zlib

    bomb = base64.urlsafe_b64encode(zlib.compress(b"1 " * 500_000, 9)).decode().rstrip("=")
    assert len(bomb) <= MAX_LINK_CHARS
    with pytest.raises(ValueError, match="over"):
        decode_paste(bomb)
