"""The playback rules, driven with a fake clock: every frame drawn, in order."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from emgmm.app.playback import (
    FALLBACK_TICK,
    FIRST_REPORT_WAIT,
    MIN_GAP,
    REPORT_WAIT,
    Playback,
    frame_iterations,
)


def run(
    state: Playback,
    ticks: list[float],
    render: float = 0.01,
    changes: dict[int, Callable[[Playback], Playback]] | None = None,
) -> tuple[Playback, list[int], list[float]]:
    """Drive the page's loop: at each tick time, tick, draw, report it sent ``render``
    later, and the browser's report that it drew it (a browser that keeps up).

    Returns the final state, the iterations drawn (a new entry each time the frame on
    screen changes) and the clock time each was drawn at. ``changes`` maps a tick's index
    to a function applied to the state before that tick (a person's action).
    """
    drawn: list[int] = []
    times: list[float] = []
    for i, t in enumerate(ticks):
        if changes and i in changes:
            state = changes[i](state)
        state = state.tick(t)
        if state.finished:
            break
        if not drawn or drawn[-1] != state.iteration:
            drawn.append(state.iteration)
            times.append(t)
        state = state.sent(t + render).drawn(state.iteration)
    return state, drawn, times


def timer(fps: float, seconds: float, early: float = 0.0, start: float = 0.0) -> list[float]:
    """Tick times of a browser timer at ``fps``, each firing ``early`` of a period early."""
    period = 1.0 / fps
    n = int(seconds * fps)
    return [start + i * period * (1.0 - early) for i in range(n)]


def test_frames_are_every_nth_with_the_first_and_last():
    assert frame_iterations(10, 3) == (0, 3, 6, 9, 10)
    assert frame_iterations(9, 3) == (0, 3, 6, 9)
    assert frame_iterations(0, 5) == (0,)


def test_every_frame_is_drawn_in_order_then_the_playback_finishes():
    state, drawn, _ = run(Playback(n_iter=40, fps=8), timer(8, 10))
    assert drawn == list(range(41))
    assert state.finished and not state.playing


def test_every_fifth_iteration_and_the_last():
    _, drawn, _ = run(Playback(n_iter=42, every=5, fps=8), timer(8, 10))
    assert drawn == [0, 5, 10, 15, 20, 25, 30, 35, 40, 42]


def test_a_slow_server_slows_the_playback_but_skips_nothing():
    # each frame takes 0.4 s to reach the browser, at 8 frames a second
    _, drawn, times = run(Playback(n_iter=30, fps=8), timer(8, 30), render=0.4)
    assert drawn == list(range(31))
    assert times[-1] > 30 * 0.4  # it took longer than 30 / 8 s


def test_ticks_bunched_together_advance_once():
    ticks = [0.0, 0.2, 0.201, 0.202, 0.4]  # three ticks within 2 ms after a stall
    _, drawn, _ = run(Playback(n_iter=10, fps=8), ticks, render=0.0)
    assert drawn == [0, 1, 2]


def test_a_timer_that_fires_early_keeps_the_rate():
    """A timer 10 % early must not halve the rate (the frame was sent 10 ms after its tick)."""
    _, drawn, times = run(Playback(n_iter=100, fps=8), timer(8, 5, early=0.1))
    assert drawn[:20] == list(range(20))
    rate = (len(drawn) - 1) / (times[-1] - times[0])
    assert 7.5 < rate <= 8 / 0.9 + 1e-9


def test_never_faster_than_fps():
    _, drawn, times = run(Playback(n_iter=200, fps=10), timer(100, 5))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= MIN_GAP / 10 - 1e-12
    assert drawn == list(range(len(drawn)))


def test_raising_fps_mid_playback_continues_from_the_current_frame():
    ticks = timer(4, 6) + timer(12, 6, start=6.0)
    changes = {len(timer(4, 6)): lambda s: s.with_fps(12)}
    _, drawn, times = run(Playback(n_iter=100, fps=4), ticks, changes=changes)
    assert drawn == list(range(len(drawn)))  # no jump
    after = [t for t in times if t >= 6.0]
    assert after[0] - 6.0 <= 1 / 12 + 1e-9  # the new rate within a frame time
    rate = (len(after) - 1) / (after[-1] - after[0])
    assert rate == pytest.approx(12, rel=0.05)


def test_lowering_fps_mid_playback_moves_on_within_a_new_frame_time():
    ticks = timer(12, 3) + timer(1, 6, start=3.0)
    changes = {len(timer(12, 3)): lambda s: s.with_fps(1)}
    _, drawn, times = run(Playback(n_iter=100, fps=12), ticks, changes=changes)
    assert drawn == list(range(len(drawn)))
    after = [t for t in times if t >= 3.0]
    assert len(after) >= 5 and after[0] - 3.0 <= 1.0 + 1e-9  # no freeze


def test_changing_every_continues_from_the_nearest_frame_at_or_before():
    state = Playback(n_iter=300, every=1, iteration=163, shown_at=0.0)
    moved = state.with_every(10)
    assert moved.iteration == 160 and moved.playing and not moved.finished
    assert moved.frames[moved.position + 1] == 170
    assert Playback(n_iter=300, iteration=163).with_every(1).iteration == 163
    last = Playback(n_iter=305, every=10, iteration=305).with_every(1)
    assert last.iteration == 305


def test_changing_every_mid_playback_leaves_no_gap_in_the_new_sequence():
    ticks = timer(8, 20)
    _, drawn, _ = run(Playback(n_iter=120, fps=8), ticks, changes={33: lambda s: s.with_every(10)})
    # every frame up to 32, where every = 10 moves to 30 (the nearest frame at or before
    # it), then on by tens: no frame of the new sequence skipped, and no early end
    assert drawn == [*range(33), 30, *range(40, 121, 10)]


def test_replay_starts_at_zero_and_shows_every_frame():
    state, _, _ = run(Playback(n_iter=20, fps=8), timer(8, 5))
    assert state.finished
    state, drawn, _ = run(state.replay(), timer(8, 5, start=10.0))
    assert drawn == list(range(21))


def test_pause_step_and_resume_leave_no_gap():
    ticks = timer(8, 12)
    changes = {
        10: lambda s: s.pause(),
        14: lambda s: s.step(1),
        16: lambda s: s.step(-1),
        18: lambda s: s.step(1),
        20: lambda s: s.play(),
    }
    _, drawn, _ = run(Playback(n_iter=40, fps=8), ticks, changes=changes)
    distinct = [d for i, d in enumerate(drawn) if i == 0 or d != drawn[i - 1]]
    forward = [d for i, d in enumerate(distinct) if i == 0 or d > distinct[i - 1]]
    assert sorted(set(forward)) == list(range(41))


def test_play_at_the_end_replays_and_skip_finishes():
    end = Playback(n_iter=5, iteration=5, playing=False)
    assert end.play().iteration == 0 and end.play().playing
    middle = Playback(n_iter=5, iteration=2, playing=False)
    assert middle.play().iteration == 2
    assert middle.skip_to_end().finished and middle.skip_to_end().iteration == 5
    assert Playback(n_iter=5).step(-3).iteration == 0
    assert Playback(n_iter=5).step(9).iteration == 5


def test_counter_and_bad_values():
    assert Playback(n_iter=40, every=4, iteration=8).counter == "Frame 3 of 11: iteration 8 of 40"
    with pytest.raises(ValueError, match="fps"):
        Playback(n_iter=3).with_fps(0)
    with pytest.raises(ValueError, match="every"):
        Playback(n_iter=3).with_every(0)


def test_once_the_browser_reports_frames_the_next_waits_for_the_report():
    state = Playback(n_iter=10, fps=8).sent(0.0).drawn(0)
    state = state.tick(0.2)
    assert state.iteration == 1
    state = state.sent(0.21)
    # frame 1 sent but not reported drawn: however late, the tick keeps it
    assert state.tick(0.5).iteration == 1
    assert state.tick(3.0).iteration == 1
    assert state.drawn(1).tick(0.5).iteration == 2


def test_a_report_that_never_comes_does_not_stall_the_playback():
    state = Playback(n_iter=10, fps=8).sent(0.0).drawn(0).tick(0.2).sent(0.2)
    assert state.tick(0.2 + REPORT_WAIT - 0.01).iteration == 1
    assert state.tick(0.2 + REPORT_WAIT).iteration == 2


class SlowBrowser:
    """Draws each frame it receives in ``seconds``; a frame received while it draws waits,
    and a newer one replaces it (what Streamlit's chart does with data that arrives
    faster than it can draw)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.drawing: int | None = None
        self.done_at = 0.0
        self.waiting: int | None = None
        self.drawn: list[int] = []

    def receive(self, frame: int, t: float) -> None:
        if self.drawing is None:
            self.drawing, self.done_at = frame, t + self.seconds
        else:
            self.waiting = frame

    def finished(self, t: float) -> int | None:
        """The frame whose drawing ends by ``t``, if any."""
        if self.drawing is None or t < self.done_at:
            return None
        done = self.drawing
        self.drawn.append(done)
        self.drawing, self.waiting = self.waiting, None
        self.done_at = t + self.seconds
        return done


def play_in(browser: SlowBrowser, report: bool, n_iter: int = 30) -> list[int]:
    """A playback at 8 frames a second in ``browser``: the timer ticks every 1/8 s.
    With ``report`` the browser reports each frame once drawn; without, each frame is
    taken as drawn when sent (the clock alone paces the playback)."""
    state, t = Playback(n_iter=n_iter, fps=8), 0.0
    while t < 120:
        done = browser.finished(t)
        if done is not None and report:
            state = state.drawn(done)
        state = state.tick(t)
        if state.finished:
            break
        if state.shown_at is None:
            browser.receive(state.iteration, t)
            state = state.sent(t)
            if not report:
                state = state.drawn(state.iteration)
        t += 1 / 64 if report else 1 / 8
    return browser.drawn


def test_a_browser_that_draws_slowly_sees_every_frame():
    """0.3 s a frame at 8 frames a second: with its reports every frame is drawn; the
    clock alone loses frames."""
    assert play_in(SlowBrowser(0.3), report=True) == list(range(31))
    assert play_in(SlowBrowser(0.3), report=False) != list(range(31))


def test_a_silent_page_waits_once_then_plays_at_the_timers_pace():
    """A page whose reporter never says it is there (another origin, a blocked frame)
    costs one FIRST_REPORT_WAIT, not one per frame."""
    state = Playback(n_iter=5, fps=8).sent(0.0)
    assert state.tick(FIRST_REPORT_WAIT - 0.01).iteration == 0
    later = state.tick(FIRST_REPORT_WAIT)
    assert later.iteration == 1 and later.listening is False
    assert later.sent(100.0).tick(100.0 + 1 / 8).iteration == 2  # the timer's pace from now on
    # a report after all: the page is heard, and frames wait for their reports again
    heard = later.sent(100.0).drawn(1).tick(100.0 + 1 / 8).sent(100.2)
    assert heard.listening is True and heard.iteration == 2
    assert heard.tick(100.2 + REPORT_WAIT - 0.01).iteration == 2
    assert heard.tick(100.2 + REPORT_WAIT).iteration == 3


def test_a_page_that_says_it_is_there_waits_for_every_frames_report():
    """Heard before its first frame is drawn (a slow browser): the first frame waits the
    long REPORT_WAIT, not FIRST_REPORT_WAIT, and the next goes out once it is drawn."""
    state = Playback(n_iter=5, fps=8).heard().sent(0.0)
    assert state.listening is True
    assert state.tick(FIRST_REPORT_WAIT + 1.0).iteration == 0  # a minute on, still waiting
    assert state.drawn(0).tick(FIRST_REPORT_WAIT + 1.0).iteration == 1
    assert state.tick(REPORT_WAIT).iteration == 1  # a report that never comes stalls it no longer


def test_due_in_says_how_long_a_drawn_frame_still_has():
    state = Playback(n_iter=10, fps=4).sent(0.0)
    assert state.due_in(0.1) is None  # not reported drawn yet
    drawn = state.drawn(0)
    assert drawn.due_in(0.05) == pytest.approx(1 / 4 - 0.05)
    assert drawn.due_in(1.0) == 0.0
    due = drawn.due_in(0.05)
    assert due is not None and drawn.tick(0.05 + due).iteration == 1
    assert drawn.pause().due_in(0.1) is None
    assert Playback(n_iter=10, fps=30).fallback_period == FALLBACK_TICK
    assert Playback(n_iter=10, fps=1).fallback_period == 1.0


def test_half_steps_are_the_start_then_an_e_and_an_m_frame_per_shown_iteration():
    from emgmm.app.playback import half_step_frames

    assert half_step_frames(3, 1) == (0, 1, 2, 3, 4, 5, 6)  # 2 n + 1 frames
    assert half_step_frames(5, 2) == (0, 3, 4, 7, 8, 9, 10)  # iterations 2, 4 and the last, 5
    state, drawn, _ = run(Playback(n_iter=20, fps=8, half_steps=True), timer(8, 10))
    assert drawn == list(range(41)) and state.finished
    assert Playback(n_iter=20, half_steps=True, iteration=5).counter == "Frame 6 of 41: E-step 3 of 20"
    assert Playback(n_iter=20, half_steps=True, iteration=6).counter == "Frame 7 of 41: M-step 3 of 20"


def test_switching_half_steps_mid_playback_continues_from_the_iteration_on_screen():
    state = Playback(n_iter=20, iteration=7, shown_at=1.0, reported=7)
    halves = state.with_half_steps(True)
    assert halves.iteration == 14 and halves.shown_at is None  # M-step 7: iteration 7's parameters
    assert halves.with_half_steps(False).iteration == 7
    # an E-step of iteration 8 draws iteration 7's parameters
    assert Playback(n_iter=20, iteration=15, half_steps=True).with_half_steps(False).iteration == 7
    # with every = 5 the nearest shown frame at or before
    assert Playback(n_iter=20, every=5, iteration=10).with_half_steps(True).iteration == 20  # M-step 10
    assert Playback(n_iter=20, every=5, iteration=15, half_steps=True).with_half_steps(False).iteration == 5
    _, drawn, _ = run(state, timer(8, 10), changes={3: lambda s: s.with_half_steps(True)})
    cut = drawn.index(14)
    assert drawn[:cut] == list(range(7, 7 + cut)) and drawn[cut:] == list(range(14, 41))
