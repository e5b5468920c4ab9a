"""The playback's rules: which frames a playback shows, where a change of its settings
leaves it, and when its next frame is due.

The browser plays a fit (``player/player.js``, whose ``rules`` mirror these functions;
``tests/e2e/test_player_rules.py`` compares the two in Chromium). Python keeps them for the
payload and the page, and as the reference the tests read.

The rule they keep: every frame of the chosen sequence is drawn, in order. Frames per
second is an upper bound: frame i + 1 is due a frame time after frame i was due, or as
soon as frame i is drawn when drawing took longer (``next_due``), so a slow browser lowers
the rate and never skips a frame.
"""

from __future__ import annotations

from typing import NamedTuple


class Sequence(NamedTuple):
    """What decides a playback's frames: every ``every``-th iteration, E- and M-steps apart or not."""

    every: int
    half: bool


def frame_iterations(n_iter: int, every: int) -> tuple[int, ...]:
    """Iterations shown as frames: every ``every``-th from 0, and always the last."""
    frames = list(range(0, n_iter + 1, max(1, every)))
    if frames[-1] != n_iter:
        frames.append(n_iter)
    return tuple(frames)


def half_step_frames(n_iter: int, every: int) -> tuple[int, ...]:
    """Frames of a playback that shows E- and M-steps apart, numbered as
    ``teaching.half_steps`` numbers them (0 the start, 2i - 1 the E-step and 2i the
    M-step of iteration i): the start, then both half-steps of each iteration that
    ``frame_iterations`` shows."""
    return (0, *(h for i in frame_iterations(n_iter, every)[1:] for h in (2 * i - 1, 2 * i)))


def frames(n_iter: int, sequence: Sequence) -> tuple[int, ...]:
    """The frames a playback of ``n_iter`` iterations shows, in order."""
    if sequence.half:
        return half_step_frames(n_iter, sequence.every)
    return frame_iterations(n_iter, sequence.every)


def iteration_of(frame: int, half: bool) -> int:
    """The iteration whose parameters a frame draws: the frame itself, or for half-steps
    the iteration before an E-step (2i - 1 -> i - 1) and the iteration an M-step makes (2i -> i)."""
    return frame // 2 if half else frame


def nearest(shown: tuple[int, ...], target: int) -> int:
    """The nearest of ``shown`` (ascending) at or before ``target``; the first when none is."""
    return max((f for f in shown if f <= target), default=shown[0])


def moved(frame: int, old: Sequence, new: Sequence, n_iter: int) -> int:
    """Where a change from ``old`` to ``new`` leaves the frame on screen: the nearest new
    frame at or before the iteration it shows (an M-step is its iteration, an E-step the
    one before)."""
    iteration = iteration_of(frame, old.half)
    target = frame if old.half == new.half else 2 * iteration if new.half else iteration
    return nearest(frames(n_iter, new), target)


def next_due(due: float, drawn: float, frame_time: float) -> float:
    """When the frame after one due at ``due`` and drawn at ``drawn`` is due: a frame time
    later, or at once when drawing took longer than that."""
    return max(due + frame_time, drawn)


def step_label(frame: int, half: bool) -> str:
    """What a frame shows, for the counter: 'iteration 4', 'the start', 'E-step 3' or 'M-step 3'."""
    if not half:
        return f"iteration {frame}"
    if frame == 0:
        return "the start"
    return f"{'E' if frame % 2 else 'M'}-step {(frame + 1) // 2}"


def counter(shown: tuple[int, ...], index: int, half: bool, n_iter: int) -> str:
    """'Frame 3 of 41: iteration 2 of 40' (or 'E-step 2 of 40'), under the controls."""
    return f"Frame {index + 1} of {len(shown)}: {step_label(shown[index], half)} of {n_iter}"
