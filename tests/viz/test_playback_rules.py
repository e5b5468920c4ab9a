"""The playback's rules (``emgmm.viz.playback``): which frames, where a change leaves the
playback, when the next frame is due. The browser's copy is compared with these in
Chromium (``tests/e2e/test_player_rules.py``)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emgmm.viz.playback import (
    Sequence,
    counter,
    frame_iterations,
    frames,
    half_step_frames,
    iteration_of,
    moved,
    next_due,
    step_label,
)

sequences = st.builds(Sequence, st.integers(1, 12), st.booleans())


def test_frames_are_every_nth_with_the_first_and_last():
    assert frame_iterations(10, 3) == (0, 3, 6, 9, 10)
    assert frame_iterations(9, 3) == (0, 3, 6, 9)
    assert frame_iterations(0, 5) == (0,)


def test_half_steps_are_the_start_then_e_and_m_of_each_shown_iteration():
    assert half_step_frames(3, 1) == (0, 1, 2, 3, 4, 5, 6)
    assert half_step_frames(10, 5) == (0, 9, 10, 19, 20)
    assert [step_label(f, True) for f in half_step_frames(2, 1)] == [
        "the start",
        "E-step 1",
        "M-step 1",
        "E-step 2",
        "M-step 2",
    ]
    assert [iteration_of(f, True) for f in half_step_frames(2, 1)] == [0, 0, 1, 1, 2]


def test_counter_says_frame_and_step():
    shown = frames(40, Sequence(1, False))
    assert counter(shown, 2, False, 40) == "Frame 3 of 41: iteration 2 of 40"
    assert counter(frames(40, Sequence(1, True)), 3, True, 40) == "Frame 4 of 81: E-step 2 of 40"


@pytest.mark.slow
@given(st.integers(0, 200), sequences, sequences, st.data())
def test_a_change_continues_from_the_frame_at_or_before_the_iteration_on_screen(n_iter, old, new, data):
    shown = frames(n_iter, old)
    frame = data.draw(st.sampled_from(shown))
    after = moved(frame, old, new, n_iter)
    assert after in frames(n_iter, new)
    iteration = iteration_of(frame, old.half)
    assert iteration_of(after, new.half) <= iteration  # never ahead of what was on screen
    if new.every == 1:  # every iteration is a frame: the same iteration, M-step if halves
        assert iteration_of(after, new.half) == iteration
    if old == new:
        assert after == frame


def test_switching_half_steps_on_lands_on_the_m_step_of_the_iteration():
    assert moved(7, Sequence(1, False), Sequence(1, True), 40) == 14  # M-step 7
    assert moved(13, Sequence(1, True), Sequence(1, False), 40) == 6  # E-step 7 draws iteration 6
    assert moved(13, Sequence(1, False), Sequence(5, False), 40) == 10


@pytest.mark.parametrize("render", [0.01, 0.1, 0.3])
@pytest.mark.parametrize("fps", [8, 24])
def test_every_frame_is_drawn_in_order_and_only_a_slow_browser_lowers_the_rate(fps, render):
    """Drive the clock as player.js does: draw frame i + 1 when it is due, each draw taking
    ``render`` seconds; the playback takes max(frame time, render) a frame, never less,
    and draws every frame."""
    shown = frames(40, Sequence(1, False))
    frame_time = 1 / fps
    due, drawn_at, drawn = 0.0, [], []
    now = 0.0
    for frame in shown:
        now = max(now, due)  # wait until due
        now += render  # draw
        drawn.append(frame)
        drawn_at.append(now)
        due = next_due(due, now, frame_time)
    assert drawn == list(shown)
    gaps = [b - a for a, b in itertools.pairwise(drawn_at)]
    assert min(gaps) == pytest.approx(max(frame_time, render))
    assert drawn_at[-1] - drawn_at[0] == pytest.approx((len(shown) - 1) * max(frame_time, render))


def test_a_late_frame_does_not_rush_the_next():
    # due at 0, drawn late at 0.5: the next is due at once, the one after a frame time later
    assert next_due(0.0, 0.5, 0.125) == 0.5
    assert next_due(0.5, 0.51, 0.125) == 0.625
